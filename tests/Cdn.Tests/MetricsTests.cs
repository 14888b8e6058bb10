using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;

namespace PrivateBox.Factory.Cdn.Tests;

/// <summary>The per-asset counters: downloads started and completed (every byte handed to the connection), bytes served.</summary>
[Collection(CdnCollection.Name)]
public sealed class MetricsTests(CdnSuite suite)
{
    [Fact]
    public async Task A_full_download_counts_as_completed_with_its_bytes_and_an_abandoned_one_only_as_started()
    {
        const string asset = "images/metered.qcow2";
        var content = RandomNumberGenerator.GetBytes(48 * 1024 * 1024);
        await suite.WriteAssetAsync(asset, content);
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "PrivateBox.Factory.Cdn") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "asset" && t.Value as string == asset)) totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
        });
        listener.Start();
        // Directly: through the gateway, the proxy's buffers may take the whole body before the client leaves.
        using var client = new HttpClient { BaseAddress = suite.CdnAddress };

        await client.GetByteArrayAsync($"/cdn/{asset}");
        // Several abandoned downloads: the server learns of each abort late, while it still reads the file.
        const int abandoned = 5;
        for (var n = 0; n < abandoned; n++)
        {
            using var partial = await client.GetAsync($"/cdn/{asset}", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await partial.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[1000]);
        }
        for (var i = 0; i < 100 && totals.GetValueOrDefault("cdn.downloads.started") < 1 + abandoned; i++) await Task.Delay(100);
        await Task.Delay(500);

        Assert.Equal(1 + abandoned, totals.GetValueOrDefault("cdn.downloads.started"));
        Assert.Equal(1, totals.GetValueOrDefault("cdn.downloads.completed"));
        Assert.InRange(totals.GetValueOrDefault("cdn.bytes_served"), content.Length + abandoned * 1000, (1L + abandoned) * content.Length);
    }
}
