using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>
/// Reads <c>{"mac": "...", "entries": {"name": "text", ...}}</c> as a stream: each entry is handed on as soon
/// as it is complete, so only one entry is in memory at a time, never the whole body.
/// </summary>
public sealed class JsonUpload
{
    private readonly List<(string Kind, string Name, string Value)> _ready = [];
    private JsonReaderState _state;
    private int _depth;
    private string? _property;
    private string? _entry;

    public static async Task ReadAsync(Stream body, Func<string, Task> onMac, Func<string, string, Task> onEntry, CancellationToken ct)
    {
        var upload = new JsonUpload();
        var pipe = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(ct);
                var consumed = upload.Parse(result.Buffer, result.IsCompleted);
                pipe.AdvanceTo(consumed, result.Buffer.End);
                foreach (var (kind, name, value) in upload._ready)
                {
                    if (kind == "mac") await onMac(value);
                    else await onEntry(name, value);
                }
                upload._ready.Clear();
                if (result.IsCompleted) break;
            }
            if (upload._depth != 0) throw new JsonException("The JSON body ends before its closing brace.");
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    private SequencePosition Parse(ReadOnlySequence<byte> buffer, bool final)
    {
        var json = new Utf8JsonReader(buffer, final, _state);
        while (json.Read())
        {
            switch (json.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (_depth == 0 && json.TokenType != JsonTokenType.StartObject) throw new JsonException("The body must be a JSON object.");
                    if (_depth == 1 && _property == "entries" && json.TokenType != JsonTokenType.StartObject)
                        throw new JsonException("entries must be an object of name: text.");
                    if (_depth == 2 && _property == "entries") throw new JsonException($"Entry {_entry} must be a string.");
                    _depth++;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    _depth--;
                    break;
                case JsonTokenType.PropertyName when _depth == 1:
                    _property = json.GetString();
                    break;
                case JsonTokenType.PropertyName when _depth == 2 && _property == "entries":
                    _entry = json.GetString();
                    break;
                case JsonTokenType.String when _depth == 1 && _property is "mac" or "mac_wan":
                    _ready.Add(("mac", "", json.GetString()!));
                    break;
                case JsonTokenType.String when _depth == 2 && _property == "entries":
                    _ready.Add(("entry", _entry!, json.GetString()!));
                    break;
                case JsonTokenType.Null or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False when _depth == 2 && _property == "entries":
                    throw new JsonException($"Entry {_entry} must be a string.");
            }
        }
        _state = json.CurrentState;
        return json.Position;
    }
}
