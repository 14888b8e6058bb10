using System.Text;
using PrivateBox.Factory.Services.DebugCollector.Redaction;

namespace PrivateBox.Factory.DebugCollector.Tests;

public class RedactorTests
{
    [Theory]
    [InlineData("PASSWORD=hunter22", "PASSWORD=[REDACTED]")]
    [InlineData("export DB_PASSWD='x y' next", "export DB_PASSWD='[REDACTED]' next")]
    [InlineData("password=\"a b\" password=\"\"", "password=\"[REDACTED]\" password=\"[REDACTED]\"")]
    [InlineData("SECRET = [REDACTED]", "SECRET = [REDACTED]")]
    [InlineData("{\"admin_password\": \"alpha-bravo\", \"stage\": 3}", "{\"admin_password\": \"[REDACTED]\", \"stage\": 3}")]
    [InlineData("password: s3cret", "password: [REDACTED]")]
    [InlineData("api_token=abc&next=1", "api_token=[REDACTED]&next=1")]
    [InlineData("Password authentication failed for root", "Password authentication failed for root")]
    [InlineData("nothing to see", "nothing to see")]
    [InlineData("password=d\u00c3\u00a0j\u00c3\u00a0vu end", "password=[REDACTED] end")]
    public void Assignments_of_secrets_lose_their_value(string line, string expected)
    {
        Assert.Equal(expected, new Redactor([]).RedactLine(line));
    }

    [Fact]
    public void Unit_passwords_are_removed_wherever_they_appear_longest_first()
    {
        var redactor = new Redactor(["alpha-bravo", "alpha-bravo-charlie", "Zq8*Lm2+Xr7="]);

        Assert.Equal("login [REDACTED] then [REDACTED] and [REDACTED]x",
            redactor.RedactLine("login alpha-bravo-charlie then alpha-bravo and Zq8*Lm2+Xr7=x"));
    }

    [Fact]
    public void Passwords_are_found_by_their_bytes_also_outside_ascii_and_when_they_overlap()
    {
        var redactor = new Redactor(["déjà-vu-müsli", "abcabc"]);
        var latin1 = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("x déjà-vu-müsli y abcabcabc z abcab"));

        Assert.Equal("x [REDACTED] y [REDACTED] z abcab", redactor.RedactLine(latin1));
    }

    [Fact]
    public async Task A_private_key_block_is_removed_across_lines_and_text_after_it_is_kept()
    {
        var text = "before\r\n-----BEGIN RSA PRIVATE KEY-----\r\nMIIEow\r\nAAAA\r\n-----END RSA PRIVATE KEY-----\r\nafter\n"
                   + "inline \"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Bl\\n-----END OPENSSH PRIVATE KEY-----\\n\" done";

        var redacted = await RedactAsync(new Redactor([]), Encoding.ASCII.GetBytes(text));

        Assert.DoesNotContain("MIIEow", redacted);
        Assert.DoesNotContain("AAAA", redacted);
        Assert.DoesNotContain("b3Bl", redacted);
        Assert.StartsWith("before\r\n-----BEGIN RSA PRIVATE KEY-----[REDACTED]\n\n\n-----END RSA PRIVATE KEY-----\r\nafter\n", redacted);
        Assert.EndsWith("-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]-----END OPENSSH PRIVATE KEY-----\\n\" done", redacted);
    }

    [Fact]
    public async Task Binary_content_passes_through_byte_for_byte()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(Enumerable.Range(0, 256).Select(i => (byte)(255 - i))).ToArray();

        var output = new MemoryStream();
        await new Redactor(["never-there"]).CopyAsync(new MemoryStream(bytes), output, CancellationToken.None);

        Assert.Equal(bytes, output.ToArray());
    }

    [Fact]
    public async Task A_password_split_across_reads_is_still_found()
    {
        var redactor = new Redactor(["correct-horse-battery-staple"]);
        var input = new OneByteAtATime(Encoding.ASCII.GetBytes("x correct-horse-battery-staple y\nsecond line"));

        var output = new MemoryStream();
        await redactor.CopyAsync(input, output, CancellationToken.None);

        Assert.Equal("x [REDACTED] y\nsecond line", Encoding.ASCII.GetString(output.ToArray()));
    }

    private static async Task<string> RedactAsync(Redactor redactor, byte[] input)
    {
        var output = new MemoryStream();
        await redactor.CopyAsync(new MemoryStream(input), output, CancellationToken.None);
        return Encoding.Latin1.GetString(output.ToArray());
    }

    /// <summary>A network-like stream that hands out one byte per read.</summary>
    public sealed class OneByteAtATime(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], ct);
    }
}
