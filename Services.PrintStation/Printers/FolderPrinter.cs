using PrivateBox.Factory.Services.PrintStation.Labels;

namespace PrivateBox.Factory.Services.PrintStation.Printers;

/// <summary>
/// The development printer: each label becomes a ZPL file (the printer stream) and a PNG preview with the
/// passwords masked, in a git-ignored folder. Allowed only in Development.
/// </summary>
public sealed class FolderPrinter(string folder, LabelOptions labelOptions) : ILabelPrinter
{
    public string Description => $"folder {folder}";

    public Task<PrinterState> CheckAsync(CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(folder);
            return Task.FromResult(PrinterState.Ready);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(new PrinterState("error", $"cannot write to {folder}"));
        }
    }

    public async Task PrintAsync(LabelContent label, LabelLayout layout, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var name = Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMdd-HHmmss.fff}-{label.Serial}");
        await File.WriteAllBytesAsync(name + ".zpl", ZplLabel.Render(layout), ct);
        await File.WriteAllBytesAsync(name + ".png", SkiaLabel.Png(LabelLayout.For(label.Masked(), labelOptions)), ct);
    }
}
