namespace PrivateBox.Factory.Services.UnitApi.Dashboard;

/// <summary>
/// In-process "something changed" broadcast for the live dashboard. <see cref="Notify"/> is what the heartbeat
/// path pays: one increment and, only when a browser is waiting, one exchange. No allocation, no database.
/// </summary>
public sealed class DashboardSignal
{
    private long _version;
    private TaskCompletionSource? _waiters;

    public long Version => Volatile.Read(ref _version);

    public void Notify()
    {
        Interlocked.Increment(ref _version);
        if (Volatile.Read(ref _waiters) is not null) Interlocked.Exchange(ref _waiters, null)?.TrySetResult();
    }

    /// <summary>Completes once the version differs from <paramref name="seen"/>.</summary>
    public Task WaitForChangeAsync(long seen, CancellationToken ct)
    {
        var waiters = Volatile.Read(ref _waiters);
        if (waiters is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters = Interlocked.CompareExchange(ref _waiters, created, null) ?? created;
        }
        return Version != seen ? Task.CompletedTask : waiters.Task.WaitAsync(ct);
    }
}
