using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PrivateBox.Factory.Services.UnitApi.Outbox;

namespace PrivateBox.Factory.UnitApi.Tests;

/// <summary>Queued events with several Unit API replicas publishing: each exactly once, with its row's MessageId.</summary>
public class OutboxTests(UnitApiFactory api) : IClassFixture<UnitApiFactory>
{
    [Fact]
    public async Task Replicas_publish_every_queued_event_once_with_the_rows_message_id()
    {
        await using var spy = await ExchangeSpy.BindAsync("PrivateBox.Factory.Contracts:UnitReported");
        var macs = Enumerable.Range(0, 30).Select(_ => TestUnits.NewMac()).ToList();
        await Task.WhenAll(macs.Select(ReportAsync));

        // The service's own dispatcher polls once a second; four more replicas take the queue at the same moment.
        var replicas = Enumerable.Range(0, 4).Select(_ => ActivatorUtilities.CreateInstance<OutboxDispatcher>(api.Services)).ToList();
        await Task.WhenAll(replicas.Select(r => r.PublishPendingAsync(default)));
        var seen = new List<(string Mac, Guid MessageId)>();
        try
        {
            while (true)
            {
                var body = JsonDocument.Parse(await spy.WaitForAsync(_ => true, TimeSpan.FromSeconds(seen.Count >= macs.Count ? 3 : 30))).RootElement;
                var mac = body.GetProperty("message").GetProperty("mac").GetString()!;
                if (macs.Contains(mac)) seen.Add((mac, body.GetProperty("messageId").GetGuid()));
            }
        }
        catch (OperationCanceledException)
        {
            // Quiet for 3 s after the last expected event: nothing more is coming.
        }

        Assert.Equal(macs.Order(), seen.Select(s => s.Mac).Order());
        var rows = await OutboxIdsAsync();
        foreach (var (mac, messageId) in seen) Assert.Equal(OutboxDispatcher.MessageIdOf(rows[mac]), messageId);
    }

    // As a unit does: a busy server (503 on a loaded machine) gets the report again.
    private async Task ReportAsync(string mac)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await api.Unit().PostJson("/api/units", TestUnits.Failed(mac, "adguard"));
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                return;
            }
            await Task.Delay(500);
        }
    }

    private async Task<Dictionary<string, long>> OutboxIdsAsync()
    {
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT payload->>'Mac', id FROM outbox_messages WHERE type LIKE '%UnitReported'", db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetInt64(1);
        return rows;
    }
}
