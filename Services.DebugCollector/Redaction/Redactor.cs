using System.Text;
using System.Text.RegularExpressions;

namespace PrivateBox.Factory.Services.DebugCollector.Redaction;

/// <summary>
/// Removes secrets from log text before it is stored: the unit's own passwords (found by their digests, see
/// <see cref="SecretDigest"/>: the collector never holds them), anything shaped like <c>password=...</c>, and private
/// keys. Bytes are read as Latin-1, which maps every byte to one char and back, so binary content passes through
/// unchanged apart from what is redacted. Works line by line with the state of an open private key block carried across
/// lines, so a file of any size streams through.
/// </summary>
public sealed partial class Redactor
{
    public const string Mark = "[REDACTED]";
    private const int MinimumSecret = 4;
    private const int MaxLine = 1024 * 1024;
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private readonly byte[] _salt;
    private readonly (int Length, ulong Weight, SecretDigest[] Digests)[] _lengths;
    private bool _inKey;

    /// <param name="digests">The unit's passwords as the Unit API describes them; null when it holds none.</param>
    public Redactor(RedactionDigests? digests)
    {
        _salt = digests?.Salt ?? [];
        _lengths = [.. (digests?.Secrets ?? []).Where(d => d.Length >= MinimumSecret)
            .GroupBy(d => d.Length).Select(g => (g.Key, RollingHash.Weight(g.Key), g.ToArray()))];
    }

    /// <param name="secrets">Exact values to remove wherever they appear.</param>
    public Redactor(IEnumerable<string> secrets) : this(RedactionDigests.Of(secrets)) { }

    /// <summary>Redacts one line (without its newline).</summary>
    public string RedactLine(string line)
    {
        if (_inKey)
        {
            var end = KeyEnd().Match(line);
            if (!end.Success) return "";
            _inKey = false;
            line = line[end.Index..];
        }
        line = RemoveSecrets(line);
        line = InlineKey().Replace(line, m => $"-----BEGIN {m.Groups[1].Value}PRIVATE KEY-----{Mark}-----END {m.Groups[1].Value}PRIVATE KEY-----");
        var begin = KeyBegin().Match(line);
        if (begin.Success)
        {
            _inKey = true;
            line = line[..(begin.Index + begin.Length)] + Mark;
        }
        return Assignment().Replace(line, m => m.Groups[1].Value + m.Groups[2].Value
            + (m.Groups[3].Success ? m.Groups[3].Value + Mark + m.Groups[3].Value : Mark));
    }

    /// <summary>Replaces every window whose bytes hash to one of the digests, overlapping finds merged into one mark.</summary>
    private string RemoveSecrets(string line)
    {
        if (_lengths.Length == 0) return line;
        var bytes = Latin1.GetBytes(line);
        List<(int Start, int End)>? found = null;
        foreach (var (length, weight, digests) in _lengths)
        {
            if (bytes.Length < length) continue;
            var hash = RollingHash.Of(bytes.AsSpan(0, length));
            for (var start = 0; ; start++)
            {
                foreach (var digest in digests)
                {
                    if ((uint)hash == digest.Rolling
                        && SecretDigest.Salted(_salt, bytes.AsSpan(start, length)).AsSpan().SequenceEqual(digest.Sha256))
                        (found ??= []).Add((start, start + length));
                }
                if (start + length >= bytes.Length) break;
                hash = RollingHash.Slide(hash, bytes[start], bytes[start + length], weight);
            }
        }
        if (found is null) return line;
        var redacted = new StringBuilder();
        var at = 0;
        foreach (var (start, end) in found.OrderBy(f => f.Start))
        {
            if (start >= at) redacted.Append(line, at, start - at).Append(Mark);
            at = Math.Max(at, end);
        }
        return redacted.Append(line, at, line.Length - at).ToString();
    }

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> redacted, line by line.</summary>
    public async Task CopyAsync(Stream input, Stream output, CancellationToken ct)
    {
        _inKey = false;
        var buffer = new byte[81920];
        var line = new MemoryStream();
        int read;
        while ((read = await input.ReadAsync(buffer, ct)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n' && line.Length + (i - start) < MaxLine) continue;
                line.Write(buffer, start, i - start);
                await WriteLineAsync(line, output, newline: buffer[i] == (byte)'\n', ct);
                start = buffer[i] == (byte)'\n' ? i + 1 : i;
            }
            line.Write(buffer, start, read - start);
        }
        if (line.Length > 0) await WriteLineAsync(line, output, newline: false, ct);
    }

    private async Task WriteLineAsync(MemoryStream line, Stream output, bool newline, CancellationToken ct)
    {
        var text = Latin1.GetString(line.GetBuffer(), 0, (int)line.Length);
        line.SetLength(0);
        var redacted = RedactLine(text);
        await output.WriteAsync(Latin1.GetBytes(newline ? redacted + "\n" : redacted), ct);
    }

    // Whitespace is ASCII only: read as Latin-1, UTF-8 continuation bytes look like U+0085 and U+00A0.
    // password=..., PASSWORD: ..., "admin_password": "...", DB_PASSWD='two words', secret=..., token=...
    [GeneratedRegex("""(?i)([A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token)[A-Za-z0-9_.-]*["']?)([ \t]*[=:][ \t]*)(?:(["'])(?!\[REDACTED\])(?:(?!\3).)*\3|(?!\[REDACTED\])[^ \t\r\n\f\v"',;&]+)""")]
    private static partial Regex Assignment();

    [GeneratedRegex("-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?-----END \\1PRIVATE KEY-----")]
    private static partial Regex InlineKey();

    [GeneratedRegex("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?!\\[REDACTED\\])")]
    private static partial Regex KeyBegin();

    [GeneratedRegex("-----END [A-Z0-9 ]*PRIVATE KEY-----")]
    private static partial Regex KeyEnd();
}
