namespace PrivateBox.Factory.Contracts;

/// <summary>A debug bundle for a unit was stored (uploaded by the unit or collected over SSH).</summary>
public record DebugBundleStored
{
    public required string Mac { get; init; }
    public required Guid BundleId { get; init; }

    /// <summary><c>upload</c>, <c>debug-port</c> or <c>automatic</c>.</summary>
    public required string Source { get; init; }

    /// <summary>True when collection finished without an error for every item.</summary>
    public required bool Complete { get; init; }
    public required DateTimeOffset StoredAt { get; init; }
}
