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
    /// Binds <see cref="FactoryKeys"/> for the roles this service accepts; keys of other roles are ignored, so a service
    /// never honours a key it was not meant to check. In Development missing keys default to the documented dev values;
    /// elsewhere the service refuses to start without them, with a dev value, a short one, or two roles sharing a key.
    /// </summary>
    public static IHostApplicationBuilder AddFactoryKeys(this IHostApplicationBuilder builder, params CallerRole[] accepted)
    {
        var isDev = builder.Environment.IsDevelopment();
        var options = builder.Services.AddOptions<FactoryKeys>()
            .BindConfiguration(FactoryKeys.Section)
            .PostConfigure(keys =>
            {
                keys.FactoryToken = Accepted(CallerRole.Unit, keys.FactoryToken, FactoryKeys.DevFactoryToken);
                keys.LabelKey = Accepted(CallerRole.Label, keys.LabelKey, FactoryKeys.DevLabelKey);
                keys.DebugKey = Accepted(CallerRole.Debug, keys.DebugKey, FactoryKeys.DevDebugKey);
                keys.AdminKey = Accepted(CallerRole.Admin, keys.AdminKey, FactoryKeys.DevAdminKey);
            });
        foreach (var role in accepted)
            options.Validate(keys => isDev || IsProductionKey(keys.KeyOf(role)), Refusal(role));
        options.Validate(keys => accepted.Select(keys.KeyOf).OfType<string>().Distinct().Count() == accepted.Select(keys.KeyOf).OfType<string>().Count(),
                $"Each of {string.Join(", ", accepted.Select(r => "FactoryKeys:" + FactoryKeys.SettingOf(r)))} needs a key of its own.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<FactoryKeys>>().Value);
        return builder;

        string? Accepted(CallerRole role, string? value, string dev) =>
            !accepted.Contains(role) ? null : string.IsNullOrWhiteSpace(value) && isDev ? dev : value;
    }

    /// <summary>Requires the bearer key of <paramref name="role"/> and no other: 401 when missing or unknown, 403 when it is another role's.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder, CallerRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResultsProblem(StatusCodes.Status401Unauthorized, $"A bearer key is required: the {FactoryKeys.Describe(role)}.");
            }
            var caller = http.RequestServices.GetRequiredService<FactoryKeys>().Resolve(header["Bearer ".Length..].Trim());
            if (caller == CallerRole.Anonymous)
                return TypedResultsProblem(StatusCodes.Status401Unauthorized, "The bearer key is not valid.");
            if (caller != role)
                return TypedResultsProblem(StatusCodes.Status403Forbidden, $"This operation takes the {FactoryKeys.Describe(role)}, not the {FactoryKeys.Describe(caller)}.");
            http.Items[typeof(CallerRole)] = caller;
            return await next(context);
        });

    /// <summary>The caller's role from its bearer key, for endpoints that show more to one role.</summary>
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

    private static string Refusal(CallerRole role) =>
        $"FactoryKeys:{FactoryKeys.SettingOf(role)} must be set outside Development, at least {MinimumLength} characters and not a dev-* value (FactoryKeys__{FactoryKeys.SettingOf(role)}).";

    /// <summary>Outside Development a key is long enough not to be guessed (setup makes 48 hexadecimal characters).</summary>
    public const int MinimumLength = 32;

    private static bool IsProductionKey(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !value.StartsWith("dev-", StringComparison.Ordinal) && value.Trim().Length >= MinimumLength;
}
