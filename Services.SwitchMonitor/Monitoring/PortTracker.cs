namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>
/// Turns polled observations of a switch's ports into events. An arrival is a port that is up and shows a MAC not
/// announced there before; a link that stays down for the flap window is a departure (PortLinkedDown) and forgets
/// its MACs. A flap (down and up again within the window) is neither. A MAC seen on a new port is an arrival there.
/// </summary>
public sealed class PortTracker(string switchId, IReadOnlyDictionary<int, PortState> ports, SwitchMonitorOptions options)
{
    public string SwitchId { get; } = switchId;
    public IReadOnlyDictionary<int, PortState> Ports { get; } = ports;

    /// <summary>Applies one poll of one port; returns the events to publish and whether the announced MACs changed.</summary>
    public (List<object> Events, bool AnnouncedChanged) Observe(int port, bool up, IReadOnlySet<string> macs, DateTimeOffset now, DetectionSource source)
    {
        var state = Ports[port];
        var events = new List<object>();
        var changed = false;
        if (!up)
        {
            if (state.Link != "down")
            {
                // Unknown -> down after a restart: a port that had a unit announced lost it while we were away.
                state.DownPending = state.Link == "up" || state.Announced.Count > 0;
                state.Link = "down";
                state.ChangedAt = now;
                state.DownSince = now;
                state.Macs = [];
            }
            if (state.DownPending && now - state.DownSince >= options.FlapWindow)
            {
                state.DownPending = false;
                changed = state.Announced.Count > 0;
                state.Announced.Clear();
                if (state.Watched) events.Add(new PortLinkedDown { SwitchId = SwitchId, Port = port, IfIndex = state.IfIndex, Role = state.Role, DetectedAt = state.DownSince!.Value });
            }
            state.TrapTriggered = false;
            return (events, changed);
        }

        if (state.Link != "up")
        {
            state.Link = "up";
            state.ChangedAt = now;
            state.DownPending = false;
            state.DownSince = null;
            state.FastUntil = now + options.FastPollWindow;
        }
        state.Macs = macs.ToHashSet();
        var fresh = macs.Where(m => !state.Announced.Contains(m)).ToList();
        if (fresh.Count == 0) return (events, changed);

        foreach (var other in Ports.Values)
            if (other.Port != port) changed |= other.Announced.RemoveWhere(fresh.Contains) > 0; // moved here: may arrive back later
        state.Announced.UnionWith(macs);
        changed = true;
        state.FastUntil = now;
        if (state.Watched)
        {
            events.Add(new PortLinkedUp
            {
                SwitchId = SwitchId, Port = port, IfIndex = state.IfIndex, Role = state.Role,
                Macs = macs.Order().ToList(), DetectedAt = now,
                Source = state.TrapTriggered || source == DetectionSource.Trap ? DetectionSource.Trap : DetectionSource.Poll,
            });
        }
        state.TrapTriggered = false;
        return (events, changed);
    }
}
