using System.Text;
using System.Text.RegularExpressions;

namespace PrivateBox.Factory.Services.DebugCollector.Redaction;

/// <summary>
/// Removes secrets from log text before it is stored: the unit's own passwords, anything shaped like
/// <c>password=...</c>, and private keys. Bytes are read as Latin-1, which maps every byte to one char and
/// back, so binary content passes through unchanged apart from what is redacted. Works line by line with
/// the state of an open private key block carried across lines, so a file of any size streams through.
/// </summary>
public sealed partial class Redactor
{
    public const string Mark = "[REDACTED]";
    private const int MaxLine = 1024 * 1024;
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private readonly string[] _secrets;
    private bool _inKey;

    /// <param name="secrets">Exact values to remove wherever they appear (the unit's passwords).</param>
    public Redactor(IEnumerable<string> secrets) =>
        // Longest first, so a password containing another is removed whole.
        _secrets = secrets.Where(s => s.Length >= 4).Distinct().OrderByDescending(s => s.Length).ToArray();

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
        foreach (var secret in _secrets) line = line.Replace(secret, Mark, StringComparison.Ordinal);
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
