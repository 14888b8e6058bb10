using MassTransit;

namespace PrivateBox.Factory.Services.PrintStation.Station;

/// <summary>A unit plugged into the label port starts (or queues) a labeling flow; other ports are not ours.</summary>
public sealed class PortLinkedUpConsumer(LabelStation station) : IConsumer<PortLinkedUp>
{
    public Task Consume(ConsumeContext<PortLinkedUp> context)
    {
        if (context.Message.Role == PortRole.Label) station.Arrive(context.Message.Macs);
        return Task.CompletedTask;
    }
}
