using MassTransit;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>A unit plugged into the label port starts (or queues) a labeling flow; other ports are not ours.</summary>
public sealed class PortLinkedUpConsumer(LabelStation station, IOptions<PrintStationOptions> options) : IConsumer<PortLinkedUp>
{
    public Task Consume(ConsumeContext<PortLinkedUp> context)
    {
        var message = context.Message;
        var switchId = options.Value.SwitchId;
        if (message.Role == PortRole.Label && (string.IsNullOrEmpty(switchId) || switchId == message.SwitchId))
            station.Arrive(message.Macs, message.Port);
        return Task.CompletedTask;
    }
}
