using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateBox.Factory.Services.UnitApi.Infrastructure;

/// <summary>Reads a unit's JSON body with the contract's snake_case names and answers bad bodies with problem details.</summary>
public static class JsonBody
{
    public const long MaxBytes = 1024 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
    };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
            return value is null
                ? (null, TypedResults.Problem(statusCode: 400, title: "Empty body", detail: "The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            // The path names the field; the message is ours so no part of the body (a password) is echoed.
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [field] = [$"Malformed JSON or wrong type (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})."] },
                title: "Malformed JSON"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    private static IResult TooLarge() =>
        TypedResults.Problem(statusCode: 413, title: "Body too large", detail: $"The request body is limited to {MaxBytes} bytes.");
}
