using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateBox.Factory.Services.DebugCollector.Bundles;

/// <summary>The wire and manifest JSON: snake_case like the rest of the factory API.</summary>
public static class BundleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}
