using System.Text;
using System.Text.Json;
using PrivateBox.Factory.Services.DebugCollector.Bundles;

namespace PrivateBox.Factory.DebugCollector.Tests;

public class JsonUploadTests
{
    [Fact]
    public async Task Entries_arriving_a_byte_at_a_time_are_handed_on_in_order_with_the_mac_first()
    {
        var json = "{\"mac\":\"AA-BB-CC-00-11-22\",\"meta\":{\"x\":[1,2]},\"entries\":{\"a.log\":\"line \\u00e9\\n\",\"b.log\":\"" + new string('z', 100_000) + "\"}}";
        var seen = new List<string>();

        await JsonUpload.ReadAsync(new RedactorTests.OneByteAtATime(Encoding.UTF8.GetBytes(json)),
            mac => { seen.Add($"mac {mac}"); return Task.CompletedTask; },
            (name, text) => { seen.Add($"{name} {text.Length} {text[..Math.Min(6, text.Length)]}"); return Task.CompletedTask; },
            CancellationToken.None);

        Assert.Equal(["mac AA-BB-CC-00-11-22", "a.log 7 line é", "b.log 100000 zzzzzz"], seen);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{\"entries\": [\"a\"]}")]
    [InlineData("{\"entries\": {\"a\": {\"b\": 1}}}")]
    [InlineData("{\"entries\": {\"a\": \"b\"}")]
    public async Task Malformed_bodies_are_rejected(string json)
    {
        await Assert.ThrowsAnyAsync<JsonException>(() => JsonUpload.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)),
            _ => Task.CompletedTask, (_, _) => Task.CompletedTask, CancellationToken.None));
    }
}
