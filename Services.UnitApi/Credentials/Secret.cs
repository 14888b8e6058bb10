using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateBox.Factory.Services.UnitApi.Credentials;

/// <summary>A password in memory. It never shows itself in ToString, logs, traces or exception messages.</summary>
[JsonConverter(typeof(SecretJsonConverter))]
public sealed class Secret(string value)
{
    public string Reveal() => value;
    public int Length => value.Length;
    public override string ToString() => "[redacted]";
}

public sealed class SecretJsonConverter : JsonConverter<Secret>
{
    public override Secret? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => new Secret(reader.GetString()!),
            _ => throw new JsonException("must be a string"),
        };

    public override void Write(Utf8JsonWriter writer, Secret value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Reveal());
}
