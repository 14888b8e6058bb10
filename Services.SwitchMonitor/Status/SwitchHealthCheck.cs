using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrivateBox.Factory.Services.SwitchMonitor.Monitoring;
using PrivateBox.Factory.Services.SwitchMonitor.Traps;

namespace PrivateBox.Factory.Services.SwitchMonitor.Status;

/// <summary>Degraded while a switch has not answered for three station poll intervals.</summary>
public sealed class SwitchHealthCheck(SwitchWatchers watchers, TrapReceiver traps) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["traps_received"] = traps.Received, ["traps_dropped"] = traps.Dropped };
        var silent = watchers.All.Where(w => w.Unreachable).Select(w => w.Id).ToList();
        return Task.FromResult(silent.Count == 0
            ? HealthCheckResult.Healthy("Every switch answers.", data)
            : HealthCheckResult.Degraded($"No answer from {string.Join(", ", silent)}.", data: data));
    }
}
