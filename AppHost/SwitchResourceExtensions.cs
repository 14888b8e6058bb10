using Microsoft.Extensions.Configuration;

namespace PrivateBox.Factory.AppHost;

internal static class SwitchResourceExtensions
{
    public const string Simulator = "switchsimulator";
    public const int SimulatorSnmpPort = 16161;
    public const int SimulatorTrapPort = 16162;

    /// <summary>
    /// Points the monitor at the switch in "Switch:Address" (the factory's ProCurve; traps on UDP 162), or, when none
    /// is configured, at a simulated 24-port switch on loopback with its HTTP control on port 5262.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSwitch(this IResourceBuilder<ProjectResource> monitor, IResourceBuilder<ParameterResource> community)
    {
        var builder = monitor.ApplicationBuilder;
        var address = builder.Configuration["Switch:Address"];
        monitor.WithEnvironment("SwitchMonitor__Switches__0__Community", community);
        if (!string.IsNullOrWhiteSpace(address))
            return monitor.WithEnvironment("SwitchMonitor__Switches__0__Address", address);

        var simulator = builder.AddProject<Projects.Services_SwitchSimulator>(Simulator)
            .WithEnvironment("Simulator__SnmpPort", SimulatorSnmpPort.ToString())
            .WithEnvironment("Simulator__TrapTarget", "127.0.0.1:" + SimulatorTrapPort)
            .WithEnvironment("Simulator__Community", community)
            .WithHttpHealthCheck("/health"); // its launch profile fixes the control port at 5262
        return monitor
            .WithEnvironment("SwitchMonitor__Switches__0__Id", "simulated")
            .WithEnvironment("SwitchMonitor__Switches__0__Address", "127.0.0.1")
            .WithEnvironment("SwitchMonitor__Switches__0__Port", SimulatorSnmpPort.ToString())
            .WithEnvironment("SwitchMonitor__TrapAddress", "127.0.0.1")
            .WithEnvironment("SwitchMonitor__TrapPort", SimulatorTrapPort.ToString())
            .WaitFor(simulator);
    }
}
