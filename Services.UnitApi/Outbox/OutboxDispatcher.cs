using PrivateBox.Factory.Services.UnitApi.Infrastructure;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using PrivateBox.Factory.Services.UnitApi.Data;
using PrivateBox.Factory.ServiceDefaults.Telemetry;

namespace PrivateBox.Factory.Services.UnitApi.Outbox;

/// <summary>
/// Publishes queued events to RabbitMQ in order and marks them sent. While the broker is down the events
/// wait in PostgreSQL; nothing is published on a request path.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IBus bus, TimeProvider clock, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int published;
                using (BackgroundWork.StartPoll("check for queued events")) published = await PublishPendingAsync(stoppingToken);
                if (published == 0) await Task.Delay(Idle, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Publishing queued events failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    /// <summary>Publishes what is queued and no other replica holds; returns how many.</summary>
    public async Task<int> PublishPendingAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FactoryDb>();
        // Several replicas share the outbox: each takes rows no other holds, and keeps them until they are marked sent.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pending = await db.Outbox
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED")
            .ToListAsync(ct);
        if (pending.Count == 0) return 0;
        using var work = BackgroundWork.Start("publish queued events");
        work.Activity?.SetTag("factory.events", pending.Count);
        foreach (var message in pending)
        {
            var type = typeof(Contracts.UnitReported).Assembly.GetType(message.Type);
            if (type is null)
            {
                logger.LogError("Dropping queued event {Id} of unknown type {Type}", message.Id, message.Type);
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(PublishTimeout);
                var id = MessageIdOf(message.Id);
                await bus.Publish(JsonSerializer.Deserialize(message.Payload, type)!, type, Pipe.Execute<PublishContext>(c => c.MessageId = id), timeout.Token);
            }
            message.SentAt = clock.Now();
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return pending.Count;
    }

    /// <summary>
    /// The MessageId of a queued event: the same for every publish of its row, so a consumer can tell a repeat (the
    /// service stopped between a publish and its commit) from a new event.
    /// </summary>
    public static Guid MessageIdOf(long outboxId)
    {
        Span<byte> bytes = stackalloc byte[16];
        "pbfoutbx"u8.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes[8..], outboxId);
        return new Guid(bytes);
    }
}
