using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PrivateBox.Factory.ServiceDefaults.Security;

public static class FactoryKeysExtensions
{
    /// <summary>
    /// Binds <see cref="FactoryKeys"/>. In Development missing keys default to the documented dev values;
    /// elsewhere the service refuses to start without keys or with the dev values.
    /// </summary>
    public static IHostApplicationBuilder AddFactoryKeys(this IHostApplicationBuilder builder)
    {
        var isDev = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<FactoryKeys>()
            .BindConfiguration(FactoryKeys.Section)
            .PostConfigure(keys =>
            {
                if (!isDev) return;
                keys.FactoryToken = Default(keys.FactoryToken, FactoryKeys.DevFactoryToken);
                keys.StationKey = Default(keys.StationKey, FactoryKeys.DevStationKey);
                keys.AdminKey = Default(keys.AdminKey, FactoryKeys.DevAdminKey);
            })
            .Validate(keys => isDev || IsProductionKey(keys.FactoryToken, FactoryKeys.DevFactoryToken), Refusal("FactoryToken"))
            .Validate(keys => isDev || IsProductionKey(keys.StationKey, FactoryKeys.DevStationKey), Refusal("StationKey"))
            .Validate(keys => isDev || IsProductionKey(keys.AdminKey, FactoryKeys.DevAdminKey), Refusal("AdminKey"))
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<FactoryKeys>>().Value);
        return builder;
    }

    /// <summary>Requires a bearer key of at least <paramref name="minimum"/>: 401 when missing, 403 when insufficient.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder, CallerRole minimum) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResultsProblem(StatusCodes.Status401Unauthorized, "A bearer key is required.");
            }
            var role = http.RequestServices.GetRequiredService<FactoryKeys>().Resolve(header["Bearer ".Length..].Trim());
            if (role == CallerRole.Anonymous)
                return TypedResultsProblem(StatusCodes.Status401Unauthorized, "The bearer key is not valid.");
            if (role < minimum)
                return TypedResultsProblem(StatusCodes.Status403Forbidden, $"This operation needs the {minimum.ToString().ToLowerInvariant()} key.");
            http.Items[typeof(CallerRole)] = role;
            return await next(context);
        });

    /// <summary>The caller's role from its bearer key, for endpoints that show more to stations.</summary>
    public static CallerRole GetCallerRole(this HttpContext http)
    {
        if (http.Items.TryGetValue(typeof(CallerRole), out var known) && known is CallerRole r) return r;
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? http.RequestServices.GetRequiredService<FactoryKeys>().Resolve(header["Bearer ".Length..].Trim())
            : CallerRole.Anonymous;
    }

    private static IResult TypedResultsProblem(int status, string detail) =>
        Results.Problem(statusCode: status, detail: detail);

    private static string Refusal(string key) =>
        $"FactoryKeys:{key} must be set outside Development, at least {MinimumLength} characters and not its dev-* default (FactoryKeys__{key}).";

    /// <summary>Outside Development a key is long enough not to be guessed (setup makes 48 hexadecimal characters).</summary>
    public const int MinimumLength = 32;

    private static string Default(string? value, string dev) => string.IsNullOrWhiteSpace(value) ? dev : value;

    private static bool IsProductionKey(string? value, string dev) =>
        !string.IsNullOrWhiteSpace(value) && value != dev && value.Trim().Length >= MinimumLength;
}
