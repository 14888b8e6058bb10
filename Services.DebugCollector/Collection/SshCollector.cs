using System.Diagnostics;
using Microsoft.Extensions.Options;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace PrivateBox.Factory.Services.DebugCollector.Collection;

/// <summary>The outcome of one SSH session: the items it ran and, if it could not connect or was cut off, why.</summary>
public sealed record SshRun(List<ItemResult> Items, bool Connected, bool HostKeyRefused, string? HostKey, string? Error, bool Retryable = true);

/// <summary>
/// Runs the configured items on a unit over SSH with the factory debug key, one command per channel, each
/// with its own timeout, so a failing or hanging command costs only itself. The host key is checked per
/// unit MAC (<see cref="HostKeyStore"/>); it is never accepted blindly.
/// </summary>
public sealed class SshCollector(HostKeyStore hostKeys, IOptions<DebugCollectorOptions> options, ILogger<SshCollector> logger)
{
    public async Task<SshRun> RunAsync(UnitInfo unit, string address, IReadOnlyList<CollectionItem> items, CancellationToken ct)
    {
        var settings = options.Value.Ssh;
        if (string.IsNullOrWhiteSpace(settings.KeyFile) || !File.Exists(settings.KeyFile))
            return new([], false, false, null, "The factory debug key file (DebugCollector:Ssh:KeyFile) is not configured or not readable.", Retryable: false);

        var known = unit.HostKey is { } reported
            ? await hostKeys.TrustReportedAsync(unit.Mac, reported, ct)
            : await hostKeys.FindAsync(unit.Mac, ct);
        string? presented = null, keyType = null;
        PrivateKeyFile key;
        try
        {
            key = new PrivateKeyFile(settings.KeyFile);
        }
        catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The message names neither the key nor its content.
            return new([], false, false, null, "The factory debug key file could not be read as an unencrypted private key.", Retryable: false);
        }
        using var keyScope = key;
        var info = new PrivateKeyConnectionInfo(address, settings.Port, settings.User, key) { Timeout = settings.ConnectTimeout };
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            keyType = e.HostKeyName;
            e.CanTrust = known is null || known.Fingerprint == presented;
        };

        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectTimeout.CancelAfter(settings.ConnectTimeout + TimeSpan.FromSeconds(5));
            try
            {
                await client.ConnectAsync(connectTimeout.Token);
            }
            finally
            {
                if (known is null && presented is not null)
                    known = new(unit.Mac, keyType!, await hostKeys.TrustFirstAsync(unit.Mac, keyType!, presented, ct), default, null, null);
            }
            if (known is not null && presented != known.Fingerprint)
                throw new SshConnectionException("host key changed during first use");
        }
        catch (Exception ex) when (ex is SshException or System.Net.Sockets.SocketException or OperationCanceledException or IOException
                                   && !ct.IsCancellationRequested)
        {
            if (presented is not null && known is not null && presented != known.Fingerprint)
            {
                await hostKeys.RecordRejectedAsync(unit.Mac, presented, ct);
                logger.LogWarning("Unit {Mac} at {Address} presented host key {Presented}, not the recorded {Recorded}; refused",
                    unit.Mac, address, presented, known.Fingerprint);
                return new([], false, true, presented,
                    $"Host key changed: unit {unit.Mac} at {address} presented {presented} but {known.Fingerprint} is on record since "
                    + $"{known.FirstSeenAt:u}. Refused. If the unit was reinstalled, an admin forgets the old key with "
                    + $"DELETE /api/debug-logs/host-keys/{unit.Mac}.", Retryable: false);
            }
            var reason = ex is OperationCanceledException ? $"timed out after {settings.ConnectTimeout.TotalSeconds:0} s" : ex.Message;
            return new([], false, false, presented, $"Could not connect to {settings.User}@{address}:{settings.Port}: {reason}");
        }

        var results = new List<ItemResult>();
        foreach (var item in items)
        {
            if (!client.IsConnected)
                return new(results, true, false, presented, $"The connection to {address} was lost after {results.Count} item(s).");
            results.Add(await RunItemAsync(client, item, ct));
        }
        client.Disconnect();
        return new(results, true, false, presented, null);
    }

    private async Task<ItemResult> RunItemAsync(SshClient client, CollectionItem item, CancellationToken ct)
    {
        var result = new ItemResult { Name = item.Name, Command = item.Command };
        var clock = Stopwatch.StartNew();
        // The unit ends the command itself at its timeout (OpenSSH ignores signal requests, so cancelling the
        // channel alone would leave a hung process behind); the client gives up shortly after as a backstop.
        using var command = client.CreateCommand(RemoteCommand(item));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(item.Timeout + TimeSpan.FromSeconds(3));
        Task? stdout = null, stderr = null;
        try
        {
            var execution = command.ExecuteAsync(timeout.Token);
            stdout = CaptureAsync(command.OutputStream, result.Stdout, n => result.StdoutBytes += n, result);
            stderr = CaptureAsync(command.ExtendedOutputStream, result.Stderr, n => result.StderrBytes += n, result);
            await execution;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result.TimedOut = true;
            result.Error = $"Timed out after {item.Timeout.TotalSeconds:0.#} s; output up to then is kept.";
        }
        catch (Exception ex) when (ex is SshException or IOException or InvalidOperationException)
        {
            result.Error = ex.Message;
        }
        // Output arriving after the exit (or a cancelled command's last bytes) gets a moment, not forever.
        var captured = Task.WhenAll(new[] { stdout, stderr }.OfType<Task>());
        await Task.WhenAny(captured, Task.Delay(TimeSpan.FromSeconds(2), ct));
        result.DurationMs = clock.ElapsedMilliseconds;
        result.ExitStatus = command.ExitStatus;
        result.ExitSignal = command.ExitSignal;
        if (result.ExitStatus is TimedOutStatus or KilledStatus && !result.TimedOut)
        {
            result.TimedOut = true;
            result.Error = $"Timed out after {item.Timeout.TotalSeconds:0.#} s; output up to then is kept.";
        }
        return result;
    }

    private const int TimedOutStatus = 124, KilledStatus = 137;

    /// <summary><c>timeout -k 2 SECONDS sh -c 'COMMAND'</c>: coreutils' timeout signals the whole process group.</summary>
    public static string RemoteCommand(CollectionItem item) =>
        $"timeout -k 2 {Math.Max(1, (int)Math.Ceiling(item.Timeout.TotalSeconds))} sh -c '{item.Command.Replace("'", "'\\''")}'";

    private Task CaptureAsync(Stream source, MemoryStream sink, Action<long> count, ItemResult result) => Task.Run(async () =>
    {
        var buffer = new byte[32 * 1024];
        int read;
        try
        {
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                count(read);
                var keep = (int)Math.Min(read, Math.Max(0, options.Value.MaxItemBytes - sink.Length));
                sink.Write(buffer, 0, keep);
                if (keep < read) result.Truncated = true;
            }
        }
        catch (ObjectDisposedException)
        {
            // The command was disposed after its timeout; what was read is kept.
        }
    });
}
