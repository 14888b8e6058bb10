using System.Text.Json;

namespace PrivateBox.Factory.Services.SwitchMonitor.Outbox;

/// <summary>One port event waiting to be published; its id becomes the message id, so a consumer can spot a repeat.</summary>
public sealed record OutboxEntry(Guid Id, PortLinkedUp? Up, PortLinkedDown? Down);

/// <summary>
/// Port events not yet on RabbitMQ, in order, in a JSON file in the state directory: they survive a broker outage
/// and a restart of the service. An event is removed only after the broker confirmed its publish.
/// </summary>
public sealed class EventOutbox
{
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly List<OutboxEntry> _entries;
    private readonly SemaphoreSlim _signal = new(0);

    public EventOutbox(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "outbox.json");
        _entries = Load(_path);
    }

    private static List<OutboxEntry> Load(string path)
    {
        if (!File.Exists(path)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<OutboxEntry>>(File.ReadAllText(path)) ?? [];
        }
        catch (JsonException)
        {
            // Kept for a person to look at; the service must start and watch the line regardless.
            File.Move(path, $"{path}.unreadable-{DateTime.UtcNow:yyyyMMddHHmmss}", overwrite: true);
            return [];
        }
    }

    public int Count { get { lock (_lock) return _entries.Count; } }

    public void Add(IEnumerable<object> events)
    {
        lock (_lock)
        {
            var added = 0;
            foreach (var e in events)
            {
                _entries.Add(new OutboxEntry(Guid.NewGuid(), e as PortLinkedUp, e as PortLinkedDown));
                added++;
            }
            if (added == 0) return;
            try
            {
                Persist();
            }
            finally
            {
                // Unsaved (a full disk) the events are still published from memory; the caller hears of the failure.
                _signal.Release();
            }
        }
    }

    public async Task<OutboxEntry> PeekAsync(CancellationToken ct)
    {
        while (true)
        {
            lock (_lock)
                if (_entries.Count > 0) return _entries[0];
            await _signal.WaitAsync(ct);
        }
    }

    public void Remove(Guid id)
    {
        lock (_lock)
        {
            _entries.RemoveAll(e => e.Id == id);
            Persist();
        }
    }

    private void Persist() => DurableFile.Replace(_path, JsonSerializer.Serialize(_entries));
}
