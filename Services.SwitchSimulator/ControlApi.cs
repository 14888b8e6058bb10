using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PrivateBox.Factory.Services.SwitchSimulator;

public static partial class ControlApi
{
    [GeneratedRegex("^[0-9a-fA-F]{2}([:-]?[0-9a-fA-F]{2}){5}$|^[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}$")]
    private static partial Regex MacPattern();

    /// <summary>Maps the simulator's control: <c>GET /ports</c>, <c>POST /ports/{n}/plug?mac=</c>, <c>POST /ports/{n}/unplug</c>.</summary>
    public static void MapControlApi(this WebApplication app)
    {
        var ports = app.MapGroup("/ports");
        ports.MapGet("/", (SimulatedSwitch sw) => TypedResults.Ok(sw.Ports()));
        ports.MapPost("/{port:int}/plug", async Task<Results<Ok<SimulatedSwitch.PortView>, ProblemHttpResult>> (int port, string? mac, SimulatedSwitch sw) =>
        {
            if (!sw.HasPort(port)) return NoSuchPort(port);
            if (mac is null || !MacPattern().IsMatch(mac))
                return TypedResults.Problem(title: "Invalid MAC", detail: "Give ?mac= as aa:bb:cc:dd:ee:ff, aa-bb-..., aabbccddeeff or aabb.ccdd.eeff.", statusCode: 400);
            var hex = new string(mac.Where(Uri.IsHexDigit).ToArray()).ToLowerInvariant();
            await sw.PlugAsync(port, string.Join(':', hex.Chunk(2).Select(c => new string(c))));
            return TypedResults.Ok(sw.Ports()[port - 1]);
        });
        ports.MapPost("/{port:int}/unplug", async Task<Results<Ok<SimulatedSwitch.PortView>, ProblemHttpResult>> (int port, SimulatedSwitch sw) =>
        {
            if (!sw.HasPort(port)) return NoSuchPort(port);
            await sw.UnplugAsync(port);
            return TypedResults.Ok(sw.Ports()[port - 1]);
        });
    }

    private static ProblemHttpResult NoSuchPort(int port) =>
        TypedResults.Problem(title: "No such port", detail: $"The switch has no port {port}.", statusCode: 404);
}
