using Microsoft.Extensions.Options;
using Npgsql;
using PrivateBox.Factory.ServiceDefaults.Telemetry;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>
/// Deletes bundles older than "DebugCollector:RetainFor" (90 days; zero keeps them forever), files and chunks with
/// them, once at start and then every "DebugCollector:RetentionInterval". A bundle whose event is not yet
/// published stays. Deletes in batches, so a large backlog never holds one long transaction.
/// </summary>
public sealed class BundleRetention(NpgsqlDataSource db, IOptions<DebugCollectorOptions> options, TimeProvider clock,
    DebugCollectorMetrics metrics, ILogger<BundleRetention> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.RetainFor <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(settings.RetentionInterval, clock);
        do
        {
            try
            {
                using var poll = BackgroundWork.StartPoll("check for expired debug bundles");
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Deleting expired debug bundles failed; trying again in {Interval}", settings.RetentionInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes every published bundle created before now minus RetainFor; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.RetainFor;
        var total = 0;
        while (true)
        {
            await using var command = db.CreateCommand("""
                DELETE FROM debug.bundles WHERE id IN (
                    SELECT id FROM debug.bundles WHERE created_at < $1 AND published_at IS NOT NULL ORDER BY created_at LIMIT $2)
                """);
            command.Parameters.Add(new() { Value = cutoff });
            command.Parameters.Add(new() { Value = Batch });
            var deleted = await command.ExecuteNonQueryAsync(ct);
            total += deleted;
            if (deleted < Batch) break;
        }
        if (total > 0)
        {
            using var work = BackgroundWork.Start("delete expired debug bundles");
            work.Activity?.SetTag("factory.bundles", total);
            metrics.BundlesExpired(total);
            logger.LogInformation("Deleted {Count} debug bundles created before {Cutoff:u}", total, cutoff);
        }
        return total;
    }
}
