using System.Diagnostics;
using PrivateBox.Factory.Services.PrintStation.Labels;

namespace PrivateBox.Factory.Services.PrintStation.Printers;

/// <summary>An office printer through CUPS: the label as PDF piped to <c>lp</c> (never written to a file here).</summary>
public sealed class CupsPrinter(PrinterOptions options) : ILabelPrinter
{
    public string Description => $"CUPS queue {(options.Queue.Length > 0 ? options.Queue : "(default)")}";

    public async Task<PrinterState> CheckAsync(CancellationToken ct)
    {
        var args = options.Queue.Length > 0 ? new[] { "-p", options.Queue } : ["-d"];
        var (exit, output) = await RunAsync("lpstat", args, null, ct);
        if (exit is null) return new PrinterState("unreachable", "lpstat did not answer");
        if (exit != 0) return new PrinterState("unreachable", output.Trim());
        return output.Contains("disabled", StringComparison.OrdinalIgnoreCase) ? new PrinterState("paused", output.Trim()) : PrinterState.Ready;
    }

    public async Task PrintAsync(LabelContent label, LabelLayout layout, CancellationToken ct)
    {
        var args = new List<string> { "-t", $"PrivateBox {label.Serial}" };
        if (options.Queue.Length > 0) args.AddRange(["-d", options.Queue]);
        var (exit, output) = await RunAsync("lp", args, SkiaLabel.Pdf(layout), ct);
        if (exit is null) throw new PrinterException("lp did not answer in time.");
        if (exit != 0) throw new PrinterException($"lp failed: {output.Trim()}");
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
            if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input, timeout.Token);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
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
