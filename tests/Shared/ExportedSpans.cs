using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using PrivateBox.Factory.ServiceDefaults.Telemetry;

namespace PrivateBox.Factory.Tests;

/// <summary>
/// The spans a host's OpenTelemetry SDK exports, as the Aspire dashboard would receive them. Activities are
/// process-wide: the host's tracer also exports what other hosts in the test process record.
/// </summary>
public sealed class ExportedSpans : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public IReadOnlyCollection<Activity> All => _spans;

    public void Clear() => _spans.Clear();

    public void AddTo(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(this)));

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var span in batch) _spans.Enqueue(span);
        return ExportResult.Success;
    }

    public async Task<Activity> WaitForAsync(string name)
    {
        for (var i = 0; i < 200; i++)
        {
            if (_spans.FirstOrDefault(s => s.DisplayName == name) is { } span) return span;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No span {name} was exported.");
    }
}

/// <summary>Counts the background polls that ended, recorded or not.</summary>
public sealed class EndedPolls : IDisposable
{
    private readonly ConcurrentDictionary<string, int> _ended = new();
    private readonly ActivityListener _listener;

    public EndedPolls()
    {
        _listener = new()
        {
            ShouldListenTo = source => source.Name == BackgroundWork.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = a => _ended.AddOrUpdate(a.DisplayName, 1, (_, n) => n + 1),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Waits until each named poll ended at least <paramref name="each"/> times; <paramref name="tick"/> runs between checks.</summary>
    public async Task WaitAsync(string[] polls, int each, Action? tick = null)
    {
        for (var i = 0; i < 300 && polls.Any(p => _ended.GetValueOrDefault(p) < each); i++)
        {
            tick?.Invoke();
            await Task.Delay(100);
        }
        foreach (var poll in polls)
            if (_ended.GetValueOrDefault(poll) < each) throw new TimeoutException($"{poll}: {_ended.GetValueOrDefault(poll)} polls ended, not {each}.");
    }

    public void Dispose() => _listener.Dispose();
}
