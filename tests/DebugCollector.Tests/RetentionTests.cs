using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrivateBox.Factory.Services.DebugCollector.Bundles;

namespace PrivateBox.Factory.DebugCollector.Tests;

[Collection(nameof(Suite))]
public class RetentionTests(Suite suite)
{
    [Fact]
    public async Task Bundles_older_than_the_retention_are_deleted_with_their_files_and_newer_ones_stay()
    {
        var mac = TestUnits.NewMac();
        var old = await UploadAsync(mac, "old.log");
        var recent = await UploadAsync(mac, "recent.log");
        await using var db = NpgsqlDataSource.Create(suite.ConnectionString);
        await using (var age = db.CreateCommand(
            "UPDATE debug.bundles SET created_at = now() - interval '91 days', published_at = coalesce(published_at, now()) WHERE id = $1"))
        {
            age.Parameters.Add(new() { Value = old });
            Assert.Equal(1, await age.ExecuteNonQueryAsync());
        }

        var deleted = await suite.Collector.Services.GetRequiredService<BundleRetention>().PurgeAsync(CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await suite.Client(Suite.DebugKey).GetAsync($"/api/debug-logs/{old}")).StatusCode);
        Assert.Equal(0L, await suite.CountAsync("SELECT count(*) FROM debug.bundle_chunks WHERE bundle_id = $1", old));
        Assert.Equal(0L, await suite.CountAsync("SELECT count(*) FROM debug.bundle_files WHERE bundle_id = $1", old));
        Assert.Equal("recent\n", (await suite.DownloadAsync(recent))["recent.log"]);
    }

    private async Task<Guid> UploadAsync(string mac, string file)
    {
        var response = await suite.Client(Suite.FactoryToken).PostAsJsonAsync("/api/debug-logs",
            new { mac, entries = new Dictionary<string, string> { [file] = file.Replace(".log", "\n") } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json()).GetProperty("id").GetGuid();
    }
}
