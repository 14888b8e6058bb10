using PrivateBox.Factory.Services.PrintStation.Units;

namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>Only a ready unit whose required tests all passed, with its passwords on record, gets a label.</summary>
public static class Interlock
{
    /// <summary>The instruction for the operator when the unit must not be labeled; null when it may.</summary>
    public static string? Refusal(StationUnit? unit, IReadOnlyCollection<string> macs, IReadOnlyList<string> requiredTests)
    {
        if (unit is null)
            return $"Unknown unit ({string.Join(", ", macs)}): it never reported to the factory — put it on a build port";
        var failed = FailedTests(unit, requiredTests);
        switch (unit.Status)
        {
            case "labeled":
                return $"Already labeled at {unit.LabeledAt:yyyy-MM-dd HH:mm} UTC; its credentials were deleted. Rebuild the unit to get a new label.";
            case "failed" or "burn_in_failed":
                return $"Failed: {(failed.Count > 0 ? string.Join(", ", failed) : "build")} — take it to the debug station";
            case "stuck":
                return $"Stuck since {unit.StuckAt:HH:mm} UTC{(unit.Stage is null ? "" : $" at \"{unit.Stage}\"")} — take it to the debug station";
            case "building":
                return $"Still building{(unit.Stage is null ? "" : $" ({unit.Stage})")} — put it back on a build port";
            case "ready" or "burn_in_complete":
                break;
            default:
                return $"Status {unit.Status} cannot be labeled — take it to the debug station";
        }
        if (failed.Count > 0) return $"Failed: {string.Join(", ", failed)} — take it to the debug station";
        if (string.IsNullOrEmpty(unit.Serial)) return "No serial on record — rebuild the unit";
        if (!unit.HasCredentials || string.IsNullOrEmpty(unit.AdminPassword) || string.IsNullOrEmpty(unit.ServicesPassword))
            return "No passwords on record — rebuild the unit to get a new label";
        return null;
    }

    private static List<string> FailedTests(StationUnit unit, IReadOnlyList<string> required)
    {
        var results = unit.TestResults ?? new Dictionary<string, string>();
        var failed = unit.FailedTests.ToList();
        failed.AddRange(results.Where(r => !string.Equals(r.Value, "pass", StringComparison.OrdinalIgnoreCase)).Select(r => r.Key));
        failed.AddRange(required.Where(t => !results.ContainsKey(t)).Select(t => $"{t} (not run)"));
        return failed.Distinct().ToList();
    }
}
