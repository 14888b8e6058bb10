using static PrivateBox.Factory.Services.UnitApi.Units.UnitStatus;

namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>
/// The life of a build attempt, in one place: every transition, who may trigger it and what it does to the unit's
/// passwords. A unit has one current attempt; its passwords exist only with that attempt and only while it is
/// labelable (<see cref="UnitStatus.IsLabelable"/>: ready, burn_in_complete); a label is final for its attempt.
/// <para>
/// Where each transition is carried out: reports in <see cref="ReportEndpoint"/> (deciding with <see cref="OnReport"/>),
/// labels in <c>UnitsApi.Label</c> (with <see cref="OnLabel"/>), heartbeats in <c>HeartbeatApi</c> and the SQL function
/// <c>record_heartbeat</c> (migration FasterHeartbeat; measured faster than EF Core, bench/heartbeats.sh), stuck units
/// in <c>StuckDetector</c>. The database itself deletes passwords on the two credential transitions whoever changes an
/// attempt (triggers of migration CredentialLifecycle): another attempt becoming current, and a status leaving the
/// labelable ones. <c>AttemptLifecycleTests</c> drives every row of <see cref="All"/> through the API and checks it.
/// </para>
/// </summary>
public static class AttemptLifecycle
{
    public enum Trigger
    {
        /// <summary><c>POST /api/heartbeat</c>, factory token.</summary>
        Heartbeat,
        /// <summary><c>POST /api/units</c> with another report than the attempt's last, factory token.</summary>
        Report,
        /// <summary>The same report again (the unit did not get the first answer): answered as before, nothing stored.</summary>
        ResentReport,
        /// <summary>No heartbeat for <c>UnitApi:StuckAfter</c>: the stuck detector.</summary>
        Silence,
        /// <summary><c>DELETE /api/units/{mac}</c>, label key: the label is printed.</summary>
        Label,
    }

    public enum Passwords
    {
        /// <summary>None before, none after.</summary>
        None,
        /// <summary>The report's passwords are stored, encrypted, with this attempt.</summary>
        Stored,
        /// <summary>The attempt's passwords stay as they are.</summary>
        Kept,
        /// <summary>Every password of the unit is deleted.</summary>
        Deleted,
    }

    /// <param name="From">The current attempt's status; null for a unit never seen.</param>
    /// <param name="Trigger">What happens.</param>
    /// <param name="Reported">For a report: the status it reports.</param>
    /// <param name="AfterGrace">The attempt's report is older than <c>UnitApi:RebuildGrace</c> (a rebuilt unit).</param>
    /// <param name="To">The current attempt's status after; null when refused (409, nothing changes).</param>
    /// <param name="NewAttempt">A new attempt becomes current; the previous one keeps its record and loses its passwords.</param>
    public sealed record Transition(string? From, Trigger Trigger, string? Reported, bool AfterGrace, string? To, bool NewAttempt, Passwords Passwords)
    {
        public override string ToString() =>
            $"{From ?? "(new unit)"} --{Trigger}{(Reported is null ? "" : " " + Reported)}{(AfterGrace ? " after the grace" : "")}--> "
            + (To is null ? "refused" : $"{(NewAttempt ? "new attempt " : "")}{To}, passwords {Passwords}");
    }

    private const bool Later = true, New = true;

    public static readonly IReadOnlyList<Transition> All =
    [
        // Heartbeats: a build begins or goes on; after a result it is a straggler, until a rebuild.
        new(null, Trigger.Heartbeat, null, false, Building, New, Passwords.None),
        new(Building, Trigger.Heartbeat, null, false, Building, false, Passwords.None),
        new(UnitStatus.Stuck, Trigger.Heartbeat, null, false, Building, false, Passwords.None),
        new(Ready, Trigger.Heartbeat, null, false, Ready, false, Passwords.Kept),
        new(Failed, Trigger.Heartbeat, null, false, Failed, false, Passwords.None),
        new(Ready, Trigger.Heartbeat, null, Later, Building, New, Passwords.Deleted),
        new(BurnInComplete, Trigger.Heartbeat, null, Later, Building, New, Passwords.Deleted),
        new(Failed, Trigger.Heartbeat, null, Later, Building, New, Passwords.None),
        new(Labeled, Trigger.Heartbeat, null, false, Building, New, Passwords.None),

        new(Building, Trigger.Silence, null, false, UnitStatus.Stuck, false, Passwords.None),

        // Reports: a result; a ready one brings the passwords.
        new(null, Trigger.Report, Ready, false, Ready, New, Passwords.Stored),
        new(null, Trigger.Report, Failed, false, Failed, New, Passwords.None),
        new(Building, Trigger.Report, Ready, false, Ready, false, Passwords.Stored),
        new(Building, Trigger.Report, Failed, false, Failed, false, Passwords.None),
        new(UnitStatus.Stuck, Trigger.Report, Ready, false, Ready, false, Passwords.Stored),
        new(UnitStatus.Stuck, Trigger.Report, Failed, false, Failed, false, Passwords.None),
        new(Failed, Trigger.Report, Ready, false, Ready, false, Passwords.Stored),
        new(Ready, Trigger.Report, Ready, false, null, false, Passwords.Kept),
        new(Ready, Trigger.Report, Failed, false, Failed, false, Passwords.Deleted),
        new(Ready, Trigger.Report, Ready, Later, Ready, New, Passwords.Stored),
        new(Ready, Trigger.Report, BurnInComplete, false, BurnInComplete, false, Passwords.Kept),
        new(Ready, Trigger.Report, BurnInFailed, false, BurnInFailed, false, Passwords.Deleted),
        new(Building, Trigger.Report, BurnInComplete, false, null, false, Passwords.None),
        new(Labeled, Trigger.Report, Ready, false, null, false, Passwords.None),
        new(Labeled, Trigger.Report, Ready, Later, null, false, Passwords.None),
        new(Ready, Trigger.ResentReport, Ready, false, Ready, false, Passwords.Kept),
        new(Labeled, Trigger.ResentReport, Ready, false, Labeled, false, Passwords.None),

        // Labels: only a labelable attempt; the label is final for it.
        new(Ready, Trigger.Label, null, false, Labeled, false, Passwords.Deleted),
        new(BurnInComplete, Trigger.Label, null, false, Labeled, false, Passwords.Deleted),
        new(Labeled, Trigger.Label, null, false, Labeled, false, Passwords.None),
        new(Building, Trigger.Label, null, false, null, false, Passwords.None),
        new(Failed, Trigger.Label, null, false, null, false, Passwords.None),
        new(BurnInFailed, Trigger.Label, null, false, null, false, Passwords.None),
    ];

    /// <summary>What a report does to the current attempt.</summary>
    public enum ReportDecision { Replay, NewAttempt, Update, RefuseLabeled, RefuseBurnInNotReady, RefuseAlreadyReady }

    /// <param name="current">The unit's current attempt; null for a unit never seen.</param>
    /// <param name="reported">The status reported.</param>
    /// <param name="sameReport">The report is the attempt's last one again (same content).</param>
    public static ReportDecision OnReport(BuildAttempt? current, string reported, bool sameReport, DateTimeOffset now, TimeSpan rebuildGrace)
    {
        if (current is null) return reported is BurnInComplete or BurnInFailed ? ReportDecision.RefuseBurnInNotReady : ReportDecision.NewAttempt;
        if (sameReport) return ReportDecision.Replay;
        // A labeled build is final: its passwords are gone and a report cannot bring them back. A rebuilt unit begins its
        // new attempt with heartbeats (a reinstalled unit sends them for 15 minutes before it can report).
        if (current.Status == Labeled) return ReportDecision.RefuseLabeled;
        var isBurnIn = reported is BurnInComplete or BurnInFailed;
        if (isBurnIn) return current.Status is Ready or BurnInComplete or BurnInFailed ? ReportDecision.Update : ReportDecision.RefuseBurnInNotReady;
        if (IsFinal(current.Status) && current.ReportedAt < now - rebuildGrace) return ReportDecision.NewAttempt;
        // A ready build's passwords stay as first reported until its label: the factory token, which every unit holds,
        // cannot replace them.
        if (reported == Ready && current.HasCredentials && IsLabelable(current.Status)) return ReportDecision.RefuseAlreadyReady;
        return ReportDecision.Update;
    }

    /// <summary>A label may be printed for a labelable attempt; for a labeled one it is already done.</summary>
    public static bool OnLabel(string status, out bool alreadyLabeled)
    {
        alreadyLabeled = status == Labeled;
        return alreadyLabeled || IsLabelable(status);
    }
}
