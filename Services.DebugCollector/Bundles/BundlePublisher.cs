using MassTransit;
using Npgsql;
using PrivateBox.Factory.ServiceDefaults.Telemetry;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>
/// Publishes <see cref="DebugBundleStored"/> for every stored bundle not yet announced. The bundle row is the
/// outbox: a broker outage delays the event, never loses it, and never holds up an upload.
/// </summary>
public sealed class BundlePublisher(NpgsqlDataSource db, IBus bus, ILogger<BundlePublisher> logger) : BackgroundService
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _wake = new(0);

    public void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int published;
                using (BackgroundWork.StartPoll("check for unannounced debug bundles")) published = await PublishPendingAsync(stoppingToken);
                if (published == 0) await _wake.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Announcing stored debug bundles failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    private async Task<int> PublishPendingAsync(CancellationToken ct)
    {
        var pending = new List<DebugBundleStored>();
        await using (var query = db.CreateCommand(
            "SELECT id, mac, source, complete, created_at FROM debug.bundles WHERE published_at IS NULL ORDER BY created_at LIMIT 100"))
        await using (var reader = await query.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                pending.Add(new() { BundleId = reader.GetGuid(0), Mac = reader.GetString(1), Source = reader.GetString(2), Complete = reader.GetBoolean(3), StoredAt = reader.GetFieldValue<DateTimeOffset>(4) });
        }
        if (pending.Count == 0) return 0;
        using var work = BackgroundWork.Start("announce stored debug bundles");
        work.Activity?.SetTag("factory.bundles", pending.Count);
        foreach (var message in pending)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PublishTimeout);
            await bus.Publish(message, timeout.Token);
            await using var mark = db.CreateCommand("UPDATE debug.bundles SET published_at = now() WHERE id = $1");
            mark.Parameters.Add(new() { Value = message.BundleId });
            await mark.ExecuteNonQueryAsync(ct);
        }
        return pending.Count;
    }
}
