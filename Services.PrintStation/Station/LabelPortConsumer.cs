using MassTransit;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>
/// A unit plugged into the label port starts (or queues) a labeling flow; unplugged, it leaves a question not yet
/// printed. Other ports, and other switches or label ports when the station names its own, are not ours.
/// </summary>
public sealed class LabelPortConsumer(LabelStation station, IOptions<PrintStationOptions> options)
    : IConsumer<PortLinkedUp>, IConsumer<PortLinkedDown>
{
    public Task Consume(ConsumeContext<PortLinkedUp> context)
    {
        if (IsOurs(context.Message.SwitchId, context.Message.Role, context.Message.Port)) station.Arrive(context.Message.Macs, context.Message.Port);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PortLinkedDown> context)
    {
        if (IsOurs(context.Message.SwitchId, context.Message.Role, context.Message.Port)) station.Leave(context.Message.Port);
        return Task.CompletedTask;
    }

    private bool IsOurs(string switchId, PortRole role, int port) =>
        role == PortRole.Label
        && (string.IsNullOrEmpty(options.Value.SwitchId) || options.Value.SwitchId == switchId)
        && (options.Value.Port is not { } ours || ours == port);
}
