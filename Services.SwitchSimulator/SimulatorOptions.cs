namespace PrivateBox.Factory.Services.SwitchSimulator;

/// <summary>Settings of the simulated switch, section "Simulator".</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>UDP port on 127.0.0.1 the agent answers on.</summary>
    public int SnmpPort { get; set; } = 16161;

    /// <summary>Where linkUp/linkDown traps go (the monitor's trap port).</summary>
    public string TrapTarget { get; set; } = "127.0.0.1:16162";
    public string Community { get; set; } = "public";
    public int PortCount { get; set; } = 24;

    /// <summary>The switch's own MAC, learned on port 0 with status self, as a ProCurve shows it.</summary>
    public string OwnMac { get; set; } = "00:1b:3f:5a:00:01";
}
