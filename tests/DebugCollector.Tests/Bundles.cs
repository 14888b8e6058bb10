using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace PrivateBox.Factory.DebugCollector.Tests;

/// <summary>Reads a downloaded tar.gz back into name → text, and builds one for uploads.</summary>
public static class Bundles
{
    public static async Task<Dictionary<string, string>> DownloadAsync(this Suite suite, Guid id)
    {
        var response = await suite.Client(Suite.DebugKey).GetAsync($"/api/debug-logs/{id}");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/gzip", response.Content.Headers.ContentType?.MediaType);
        return await ReadAsync(await response.Content.ReadAsStreamAsync());
    }

    public static async Task<Dictionary<string, string>> ReadAsync(Stream targz)
    {
        var files = new Dictionary<string, string>();
        await using var gzip = new GZipStream(targz, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            using var reader = new StreamReader(entry.DataStream ?? Stream.Null, Encoding.Latin1);
            files[entry.Name] = await reader.ReadToEndAsync();
        }
        return files;
    }

    public static byte[] TarGz(params (string Name, byte[] Content)[] files)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, content) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }
        return output.ToArray();
    }
}
