using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using PrivateBox.Factory.Services.DebugCollector.Bundles;
using PrivateBox.Factory.Services.DebugCollector.Redaction;

namespace PrivateBox.Factory.Services.DebugCollector.Collection;

/// <summary>
/// Collects a bundle from a unit: resolves it in the Unit API, runs the configured items over SSH (retrying
/// the connection with backoff, and only the items not yet collected), and stores whatever was collected
/// together with the errors, redacted. Every outcome, even "unreachable", becomes a bundle.
/// </summary>
public sealed class CollectionService(
    UnitDirectory units, SshCollector ssh, NpgsqlDataSource db, BundlePublisher publisher, TimeProvider clock,
    DebugCollectorMetrics metrics, WorkLimits limits, IOptions<DebugCollectorOptions> options, ILogger<CollectionService> logger)
{
    /// <summary>
    /// Collects once per trigger: a redelivered event whose bundle is stored does nothing, while one that failed
    /// before storing (the Unit API was down) is collected when it comes back.
    /// </summary>
    public async Task<Guid?> CollectOnceAsync(string trigger, string mac, string source, CancellationToken ct)
    {
        await using (var seen = db.CreateCommand("SELECT 1 FROM debug.collection_triggers WHERE key = $1"))
        {
            seen.Parameters.Add(new() { Value = trigger });
            if (await seen.ExecuteScalarAsync(ct) is not null) return null;
        }
        var id = await CollectAsync(mac, source, ct);
        await using var record = db.CreateCommand("INSERT INTO debug.collection_triggers (key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        record.Parameters.Add(new() { Value = trigger });
        record.Parameters.Add(new() { Value = clock.GetUtcNow() });
        await record.ExecuteNonQueryAsync(ct);
        return id;
    }

    public async Task<Guid> CollectAsync(string mac, string source, CancellationToken ct)
    {
        await limits.Collections.WaitAsync(ct);
        try
        {
            return await CollectNowAsync(mac, source, ct);
        }
        finally
        {
            limits.Collections.Release();
        }
    }

    private async Task<Guid> CollectNowAsync(string mac, string source, CancellationToken ct)
    {
        var settings = options.Value;
        var started = clock.GetTimestamp();
        var unit = await units.FindAsync(mac, ct);
        var errors = new List<string>();
        var collected = new Dictionary<string, ItemResult>();
        string? host = null, hostKey = null;
        bool refused = false, stop = false;

        if (unit is null) errors.Add($"No unit has reported MAC {mac}; there is no address to connect to.");
        else if (unit.Addresses.Count == 0) errors.Add($"Unit {unit.Mac} has sent no heartbeat with an address and no proxmox_ip.");
        else
        {
            for (var attempt = 1; attempt <= Math.Max(1, settings.Ssh.Attempts); attempt++)
            {
                foreach (var address in unit.Addresses)
                {
                    var pending = settings.Items.Where(i => !collected.ContainsKey(i.Name)).ToList();
                    var run = await ssh.RunAsync(unit, address, pending, ct);
                    foreach (var item in run.Items) collected[item.Name] = item;
                    hostKey ??= run.HostKey;
                    if (run.Connected) host = address;
                    if (run.Error is not null) errors.Add($"Attempt {attempt}: {run.Error}");
                    refused |= run.HostKeyRefused;
                    // A changed host key or a missing debug key will not mend itself by waiting.
                    stop = !run.Retryable || collected.Count == settings.Items.Count;
                    if (stop) break;
                }
                if (stop) break;
                if (attempt < settings.Ssh.Attempts)
                    await Task.Delay(settings.Ssh.RetryDelay * Math.Pow(2, attempt - 1), clock, ct);
            }
        }

        var results = settings.Items.Select(i => collected.GetValueOrDefault(i.Name)).OfType<ItemResult>().ToList();
        // Complete means every item ran and succeeded; an address that failed before another one worked still shows in errors.txt.
        var complete = unit is not null && results.Count == settings.Items.Count && results.All(r => r.Succeeded);
        var error = errors.Count == 0 ? null : string.Join("\n", errors);
        var unitMac = unit?.Mac ?? mac;
        var items = results.Select(r => new
        {
            r.Name, r.Command, r.ExitStatus, r.ExitSignal, r.DurationMs, r.TimedOut, r.Error, r.StdoutBytes, r.StderrBytes, r.Truncated,
        }).ToList();

        var now = clock.GetUtcNow();
        await using var writer = await BundleWriter.BeginAsync(db, settings.MaxExpandedBytes, new Redactor(unit?.Redaction), ct);
        var manifest = new { Mac = unitMac, Source = source, Host = host, HostKey = hostKey, CollectedAt = now, Complete = complete, Error = error, Items = items };
        await writer.AddFileAsync("manifest.json", new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BundleJson.Options)), ct);
        if (error is not null) await writer.AddFileAsync("errors.txt", new MemoryStream(Encoding.UTF8.GetBytes(error + "\n")), ct);
        foreach (var result in results)
        {
            var name = SafePath.From(result.Name, "item");
            result.Stdout.Position = 0;
            await writer.AddFileAsync($"{name}.log", result.Stdout, ct);
            if (result.Stderr.Length > 0)
            {
                result.Stderr.Position = 0;
                await writer.AddFileAsync($"{name}.stderr", result.Stderr, ct);
            }
        }
        await writer.CommitAsync(unitMac, source, complete, error, host, items, now, ct);
        publisher.Wake();
        metrics.Collected(results, clock.GetElapsedTime(started), refused);
        metrics.BundleStored(source, complete);
        logger.LogInformation("Debug bundle {BundleId} for {Mac} from {Source}: {Collected}/{Total} items, complete {Complete}",
            writer.Id, unitMac, source, results.Count, settings.Items.Count, complete);
        return writer.Id;
    }
}
