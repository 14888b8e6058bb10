using MassTransit;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>A unit unplugged from the label port before its label was printed leaves the kiosk's question.</summary>
public sealed class PortLinkedDownConsumer(LabelStation station, IOptions<PrintStationOptions> options) : IConsumer<PortLinkedDown>
{
    public Task Consume(ConsumeContext<PortLinkedDown> context)
    {
        var message = context.Message;
        var switchId = options.Value.SwitchId;
        if (message.Role == PortRole.Label && (string.IsNullOrEmpty(switchId) || switchId == message.SwitchId))
            station.Leave(message.Port);
        return Task.CompletedTask;
    }
}
