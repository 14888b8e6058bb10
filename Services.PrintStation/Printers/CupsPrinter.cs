using System.Diagnostics;
using PrivateBox.Factory.Services.PrintStation.Labels;

namespace PrivateBox.Factory.Services.PrintStation.Printers;

/// <summary>
/// An office printer through CUPS: the label as PDF piped to <c>lp</c> (never written to a file here). A server other
/// than this machine's is reached only with encryption (<c>-E</c>, TLS): the PDF holds both passwords. That server must
/// keep no printed document (<c>PreserveJobFiles No</c>, README "Printing"): CUPS lets no ordinary user purge a
/// completed job.
/// </summary>
public sealed class CupsPrinter(PrinterOptions options) : ILabelPrinter
{
    public string Description => $"CUPS queue {(options.Queue.Length > 0 ? options.Queue : "(default)")}"
        + (options.Server.Length > 0 ? $" on {options.Server}" : "");

    public async Task<PrinterState> CheckAsync(CancellationToken ct)
    {
        var queue = options.Queue;
        if (queue.Length == 0)
        {
            // "system default destination: NAME", or "no system default destination" (exit code 0 either way).
            var (found, answer) = await RunAsync("lpstat", [.. ServerArgs(), "-d"], null, ct);
            if (found is null) return new PrinterState("unreachable", "lpstat did not answer");
            const string prefix = "system default destination:";
            var line = answer.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (found != 0 || line is null) return new PrinterState("unreachable", found != 0 ? answer.Trim() : "no default CUPS destination");
            queue = line[prefix.Length..].Trim();
        }
        var (exit, output) = await RunAsync("lpstat", [.. ServerArgs(), "-p", queue], null, ct);
        if (exit is null) return new PrinterState("unreachable", "lpstat did not answer");
        if (exit != 0) return new PrinterState("unreachable", output.Trim());
        return output.Contains("disabled", StringComparison.OrdinalIgnoreCase) ? new PrinterState("paused", output.Trim()) : PrinterState.Ready;
    }

    public async Task PrintAsync(LabelContent label, LabelLayout layout, CancellationToken ct)
    {
        var args = ServerArgs();
        args.AddRange(["-t", $"PrivateBox {label.Serial}"]);
        if (options.Queue.Length > 0) args.AddRange(["-d", options.Queue]);
        var (exit, output) = await RunAsync("lp", args, SkiaLabel.Pdf(layout), ct);
        if (exit is null) throw new PrinterException("lp did not answer in time.");
        if (exit != 0) throw new PrinterException($"lp failed: {output.Trim()}");
    }

    /// <summary>"-h server" for a configured server, with "-E" (TLS) unless the server is this machine.</summary>
    public static List<string> ServerArgs(string server) =>
        server.Length == 0 ? [] : IsLocal(server) ? ["-h", server] : ["-h", server, "-E"];

    private List<string> ServerArgs() => ServerArgs(options.Server);

    private static bool IsLocal(string server)
    {
        if (server.StartsWith('/')) return true; // a domain socket
        var host = server.StartsWith('[') ? server[1..server.IndexOf(']')] : server.Split(':')[0];
        return host is "localhost" or "::1" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }

    private async Task<(int? Exit, string Output)> RunAsync(string file, IEnumerable<string> args, byte[]? input, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input, timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // lp refused the job before reading it (no such queue, say): its exit code and message tell why.
            }
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (127, $"{file} is not installed (apt-get install cups-client)");
        }
    }
}
