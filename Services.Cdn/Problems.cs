namespace PrivateBox.Factory.Services.Cdn;

/// <summary>The RFC 9457 answers of the CDN.</summary>
internal static class Problems
{
    public static IResult InvalidPath() =>
        TypedResults.Problem(statusCode: 400, title: "Invalid asset path",
            detail: "Asset paths are relative, without empty, '.', '..', hidden or percent-encoded segments.");

    public static IResult NotFound(string? path) =>
        TypedResults.Problem(statusCode: 404, title: "No such asset", detail: $"Nothing is stored at /cdn/{path}.");

    public static IResult Pending(string path)
    {
        var result = TypedResults.Problem(statusCode: 503, title: "Checksum pending",
            detail: $"The checksum of /cdn/{path} is being computed; try again shortly.");
        return new RetryAfter(result, 5);
    }

    /// <summary>Adds Retry-After to another result.</summary>
    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
