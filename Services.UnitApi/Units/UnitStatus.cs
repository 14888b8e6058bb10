namespace PrivateBox.Factory.Services.UnitApi.Units;

/// <summary>Statuses as they appear on the wire and in the database.</summary>
public static class UnitStatus
{
    public const string Building = "building";
    public const string Stuck = "stuck";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string BurnInComplete = "burn_in_complete";
    public const string BurnInFailed = "burn_in_failed";
    public const string Labeled = "labeled";

    public static readonly string[] All = [Building, Stuck, Ready, Failed, BurnInComplete, BurnInFailed, Labeled];
    public static readonly string[] Reported = [Ready, Failed, BurnInComplete, BurnInFailed];

    public static bool IsFinal(string status) => Reported.Contains(status) || status == Labeled;

    /// <summary>Statuses from which a label may be printed.</summary>
    public static bool IsLabelable(string status) => status is Ready or BurnInComplete;
}
