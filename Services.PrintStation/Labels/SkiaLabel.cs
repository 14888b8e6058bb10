using SkiaSharp;

namespace PrivateBox.Factory.Services.PrintStation.Labels;

/// <summary>Draws a <see cref="LabelLayout"/> with SkiaSharp: PNG for the kiosk preview, PDF for office printers.</summary>
public static class SkiaLabel
{
    private const string MonoFile = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
    private const string BoldFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    private static readonly Lazy<SKTypeface> Mono = new(() => Load(MonoFile, "DejaVu Sans Mono"));
    private static readonly Lazy<SKTypeface> Bold = new(() => Load(BoldFile, "DejaVu Sans"));

    public static byte[] Png(LabelLayout layout)
    {
        using var surface = SKSurface.Create(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        Draw(surface.Canvas, layout);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Pdf(LabelLayout layout)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream))
        {
            var points = 72f / layout.Dpi;
            var canvas = document.BeginPage(layout.Width * points, layout.Height * points);
            canvas.Scale(points);
            Draw(canvas, layout);
            document.EndPage();
            document.Close();
        }
        return stream.ToArray();
    }

    private static void Draw(SKCanvas canvas, LabelLayout layout)
    {
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        foreach (var t in layout.Texts)
        {
            using var font = new SKFont(t.Title ? Bold.Value : Mono.Value, t.Title ? t.Height * 0.9f : t.CharWidth / 0.602f);
            canvas.DrawText(t.Text, t.X, t.Y + t.Height * 0.8f, SKTextAlign.Left, font, ink);
        }
        var qr = layout.Qr;
        using var generator = new QRCoder.QRCodeGenerator();
        using var code = generator.CreateQrCode(qr.Data, QRCoder.QRCodeGenerator.ECCLevel.M);
        var modules = code.ModuleMatrix;
        for (var row = 4; row < modules.Count - 4; row++)
            for (var col = 4; col < modules.Count - 4; col++)
                if (modules[row][col])
                    canvas.DrawRect(qr.X + (col - 4) * qr.Magnification, qr.Y + (row - 4) * qr.Magnification, qr.Magnification, qr.Magnification, ink);
    }

    private static SKTypeface Load(string file, string family)
    {
        var typeface = File.Exists(file) ? SKTypeface.FromFile(file) : SKTypeface.FromFamilyName(family);
        if (typeface is null || !typeface.FamilyName.StartsWith(family, StringComparison.Ordinal))
            throw new InvalidOperationException($"The label font {family} is missing: install fonts-dejavu-core.");
        return typeface;
    }
}
