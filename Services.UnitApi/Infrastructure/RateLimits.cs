using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.Services.UnitApi.Infrastructure;

public static class RateLimits
{
    public const string Units = "units";

    /// <summary>A fixed window per client IP; a rejected request gets 429 problem details with Retry-After.</summary>
    public static IServiceCollection AddUnitRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Units, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<UnitApiOptions>>().Value;
                if (options.RateLimitPermits <= 0) return RateLimitPartition.GetNoLimiter("off");
                return RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.RateLimitPermits,
                        Window = options.RateLimitWindow,
                        QueueLimit = 0,
                    });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await TypedResults.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"Slow down; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}
