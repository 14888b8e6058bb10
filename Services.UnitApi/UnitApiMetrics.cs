using System.Diagnostics.Metrics;

namespace PrivateBox.Factory.Services.UnitApi;

/// <summary>Counters for the Aspire dashboard: heartbeats, reports by status, stuck units, labels.</summary>
public sealed class UnitApiMetrics
{
    public const string MeterName = "PrivateBox.Factory.UnitApi";
    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _reports;
    private readonly Counter<long> _stuck;
    private readonly Counter<long> _labeled;

    public UnitApiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _heartbeats = meter.CreateCounter<long>("factory.heartbeats", description: "Heartbeats received");
        _attempts = meter.CreateCounter<long>("factory.build_attempts", description: "Build attempts started");
        _reports = meter.CreateCounter<long>("factory.reports", description: "Final reports stored, by status");
        _stuck = meter.CreateCounter<long>("factory.units_stuck", description: "Units marked stuck");
        _labeled = meter.CreateCounter<long>("factory.units_labeled", description: "Units labeled and purged");
    }

    public void HeartbeatReceived(bool newAttempt)
    {
        _heartbeats.Add(1);
        if (newAttempt) _attempts.Add(1);
    }

    public void ReportStored(string status) => _reports.Add(1, new KeyValuePair<string, object?>("status", status));
    public void UnitsStuck(int count) => _stuck.Add(count);
    public void UnitLabeled() => _labeled.Add(1);
}
