using MassTransit;

namespace PrivateBox.Factory.Services.SwitchMonitor.Outbox;

/// <summary>
/// Publishes the outbox to RabbitMQ in order. While the broker is away a publish waits for it (MassTransit
/// reconnects) and completes when it returns. Stopping the host does not cut a publish short: it gets its own
/// grace period, after which an unfinished event stays in the outbox file for the next start.
/// </summary>
public sealed class OutboxPublisher(EventOutbox outbox, IBus bus, ILogger<OutboxPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            OutboxEntry entry;
            try { entry = await outbox.PeekAsync(stoppingToken); }
            catch (OperationCanceledException) { return; }

            using var publishTimeout = new CancellationTokenSource();
            await using var onStop = stoppingToken.Register(() => publishTimeout.CancelAfter(StopGrace));
            try
            {
                if (entry.Up is { } up) await bus.Publish(up, ctx => ctx.MessageId = entry.Id, publishTimeout.Token);
                else if (entry.Down is { } down) await bus.Publish(down, ctx => ctx.MessageId = entry.Id, publishTimeout.Token);
                outbox.Remove(entry.Id);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Stopped with {Count} port events unpublished; they are published on the next start", outbox.Count);
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Publishing port event {Id} failed; retrying", entry.Id);
                try { await Task.Delay(RetryDelay, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
