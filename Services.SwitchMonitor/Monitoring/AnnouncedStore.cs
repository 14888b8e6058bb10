using System.Text.Json;

namespace PrivateBox.Factory.Services.SwitchMonitor.Monitoring;

/// <summary>
/// The MACs announced per switch and port, in a JSON file, so that a restart does not announce units that are
/// still where they were. Written to a temporary file and renamed, so a crash leaves the old or the new file.
/// </summary>
public sealed class AnnouncedStore(string directory)
{
    private readonly string _path = Path.Combine(directory, "announced.json");
    private readonly Lock _lock = new();

    public Dictionary<string, Dictionary<int, List<string>>> Load()
    {
        if (!File.Exists(_path)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, Dictionary<int, List<string>>>>(File.ReadAllText(_path)) ?? [];
        }
        catch (JsonException)
        {
            return []; // unreadable: every unit present is announced once more; consumers are idempotent
        }
    }

    public void Save(string switchId, IEnumerable<PortState> ports)
    {
        lock (_lock)
        {
            var all = Load();
            all[switchId] = ports.Where(p => p.Announced.Count > 0).ToDictionary(p => p.Port, p => p.Announced.Order().ToList());
            Directory.CreateDirectory(directory);
            Outbox.DurableFile.Replace(_path, JsonSerializer.Serialize(all));
        }
    }
}
