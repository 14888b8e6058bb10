using System.IO.Compression;
using System.Text;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>
/// Writes a bundle as tar.gz straight to the response: plain ustar headers (paths are at most 100 ASCII
/// characters, see <see cref="SafePath"/>) and each file's chunks copied from the database in order.
/// </summary>
public static class TarGz
{
    private static readonly byte[] Zeros = new byte[1024];

    public static async Task WriteAsync(Stream output, BundleStore store, Guid id, IReadOnlyList<BundleFile> files, DateTimeOffset mtime, CancellationToken ct)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        foreach (var file in files)
        {
            await gzip.WriteAsync(Header(file.Path, file.SizeBytes, mtime), ct);
            await store.CopyFileAsync(id, file.FileNo, gzip, ct);
            var padding = (int)((512 - file.SizeBytes % 512) % 512);
            await gzip.WriteAsync(Zeros.AsMemory(0, padding), ct);
        }
        await gzip.WriteAsync(Zeros, ct);
    }

    private static byte[] Header(string path, long size, DateTimeOffset mtime)
    {
        var header = new byte[512];
        Put(header, 0, 100, path);
        Put(header, 100, 8, "0000644");
        Put(header, 108, 8, "0000000");
        Put(header, 116, 8, "0000000");
        Put(header, 124, 12, Convert.ToString(size, 8).PadLeft(11, '0'));
        Put(header, 136, 12, Convert.ToString(mtime.ToUnixTimeSeconds(), 8).PadLeft(11, '0'));
        Put(header, 148, 8, "        ");
        header[156] = (byte)'0';
        Put(header, 257, 6, "ustar");
        Put(header, 263, 2, "00");
        Put(header, 265, 32, "privatebox");
        Put(header, 297, 32, "privatebox");
        var checksum = header.Sum(b => b);
        Put(header, 148, 8, Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ");
        return header;
    }

    private static void Put(byte[] header, int offset, int length, string value) =>
        Encoding.ASCII.GetBytes(value.Length > length ? value[..length] : value).CopyTo(header, offset);
}

/// <summary>Entry names as stored: relative, no <c>..</c>, ASCII letters, digits and <c>._-/</c>, at most 100 characters.</summary>
public static class SafePath
{
    public static string From(string? name, string fallback)
    {
        var segments = (name ?? "").Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s is not "." and not "..")
            .Select(s => new string(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray()));
        var path = string.Join('/', segments);
        if (path.Length == 0) path = fallback;
        return path.Length <= 100 ? path : path[^100..].TrimStart('/');
    }
}
