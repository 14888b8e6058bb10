using System.Diagnostics;

namespace PrivateBox.Factory.ServiceDefaults.Telemetry;

/// <summary>
/// Traces of background loops: a poll that finds nothing to do records nothing, a poll that does something records
/// one trace of that work. Requests and consumed messages keep their traces whole.
/// </summary>
public static class BackgroundWork
{
    public const string SourceName = "PrivateBox.Factory.Background";
    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts a poll that is never recorded. Under OpenTelemetry's parent-based sampler the database and HTTP calls
    /// made inside it are dropped, and the traceparent it sends (flags 00) has the called service drop its spans too.
    /// Logs still flow. Dispose it when the poll ends.
    /// </summary>
    public static Activity? StartPoll(string name)
    {
        // A remote unsampled parent: the SDK creates the poll unrecorded. Under a local unsampled parent it would
        // create nothing, and the poll's calls would become recorded roots of their own.
        var unsampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        return Source.StartActivity(name, ActivityKind.Internal, unsampled);
    }

    /// <summary>
    /// Starts the recorded span of work a poll found: the root of a trace of its own, starting when the poll did.
    /// Outside a poll (a request or a test doing the same work) it is a child of the current span.
    /// </summary>
    public static WorkSpan Start(string name)
    {
        var current = Activity.Current;
        var poll = PollOf(current);
        if (poll is null) return new(Source.StartActivity(name), null);
        Activity.Current = null;
        return new(Source.StartActivity(name, ActivityKind.Internal, parentContext: default, startTime: poll.StartTimeUtc), current);
    }

    private static Activity? PollOf(Activity? activity)
    {
        for (; activity is not null; activity = activity.Parent)
            if (activity.Source == Source && !activity.Recorded) return activity;
        return null;
    }

    /// <summary>The span of work a poll found; disposing it ends the span and returns to the poll.</summary>
    public readonly struct WorkSpan(Activity? activity, Activity? resume) : IDisposable
    {
        public Activity? Activity => activity;

        public void Dispose()
        {
            activity?.Dispose();
            if (resume is not null) System.Diagnostics.Activity.Current = resume;
        }
    }
}
