using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrivateBox.Factory.ServiceDefaults.Telemetry;
using PrivateBox.Factory.Services.DebugCollector.Bundles;

namespace PrivateBox.Factory.DebugCollector.Tests;

[Collection(nameof(Suite))]
public class BackgroundTraceTests(Suite suite)
{
    [Fact]
    public async Task Idle_polls_for_unannounced_bundles_record_no_queries()
    {
        using var polls = new EndedPolls();

        await polls.WaitAsync(["check for unannounced debug bundles"], 2);

        Assert.DoesNotContain(suite.Spans.All, s => Query(s).Contains("published_at IS NULL"));
    }

    [Fact]
    public async Task A_stored_bundle_is_announced_in_a_trace_of_its_own()
    {
        suite.Spans.Clear();

        await UploadAsync();
        var announced = await suite.Spans.WaitForAsync("announce stored debug bundles");

        Assert.Equal(default, announced.ParentSpanId);
        Assert.Contains(suite.Spans.All, s => s.Kind == ActivityKind.Producer && s.TraceId == announced.TraceId);
    }

    [Fact]
    public async Task Expired_bundles_are_deleted_in_a_trace_that_starts_with_the_poll()
    {
        var stored = await suite.StoredFor(await UploadAsync(), TimeSpan.FromSeconds(30));
        await using (var db = NpgsqlDataSource.Create(suite.ConnectionString))
        await using (var age = db.CreateCommand("UPDATE debug.bundles SET created_at = now() - interval '91 days' WHERE id = $1"))
        {
            age.Parameters.Add(new() { Value = stored.BundleId });
            Assert.Equal(1, await age.ExecuteNonQueryAsync());
        }
        suite.Spans.Clear();
        var retention = suite.Collector.Services.GetRequiredService<BundleRetention>();

        Activity? poll;
        using (poll = BackgroundWork.StartPoll("check for expired debug bundles"))
            await retention.PurgeAsync(CancellationToken.None);
        var deleted = await suite.Spans.WaitForAsync("delete expired debug bundles");

        Assert.Equal(default, deleted.ParentSpanId);
        Assert.Equal(poll!.StartTimeUtc, deleted.StartTimeUtc);
        Assert.DoesNotContain(suite.Spans.All, s => s.TraceId == poll.TraceId);
    }

    private async Task<string> UploadAsync()
    {
        var mac = TestUnits.NewMac();
        var response = await suite.Client(Suite.FactoryToken).PostAsJsonAsync("/api/debug-logs",
            new { mac, entries = new Dictionary<string, string> { ["install.log"] = "ok\n" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return mac;
    }

    private static string Query(Activity span) => span.GetTagItem("db.query.text") as string ?? "";
}
