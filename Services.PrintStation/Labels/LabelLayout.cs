namespace PrivateBox.Factory.Services.PrintStation.Labels;

/// <summary>A text field: top-left corner, character height and width in printer dots, monospace.</summary>
public sealed record TextElement(int X, int Y, int Height, int CharWidth, string Text, bool Title = false)
{
    public override string ToString() => $"TextElement {{ X = {X}, Y = {Y} }}";
}

public sealed record QrElement(int X, int Y, int Magnification, string Data);

/// <summary>
/// Where everything sits on the label, in printer dots. The ZPL, PNG and PDF renderers all draw this
/// one layout, so the preview shows what prints. Passwords are never cut: a long one wraps after a
/// hyphen (or, with no hyphen to break at, at the line's end).
/// </summary>
public sealed record LabelLayout(int Width, int Height, int Dpi, IReadOnlyList<TextElement> Texts, QrElement Qr)
{
    /// <summary>Character width as a share of the height: matches ZPL font E and DejaVu Sans Mono.</summary>
    public const double CharAspect = 0.6;

    public static LabelLayout For(LabelContent label, LabelOptions options)
    {
        var dpi = options.Dpi;
        var s = dpi / 203.0;
        int D(double dots) => (int)Math.Round(dots * s);
        var width = (int)Math.Round(options.WidthInches * dpi);
        var height = (int)Math.Round(options.HeightInches * dpi);
        var margin = D(24);

        var magnification = Math.Max(2, D(5));
        var qrSize = QrModules(label.Serial) * magnification;
        var qr = new QrElement(width - margin - qrSize, margin, magnification, label.Serial);

        var titleHeight = Math.Min(D(56), (int)((qr.X - 2 * margin) / ("PrivateBox".Length * CharAspect)));
        var y = Math.Max(margin + titleHeight, qr.Y + qrSize) + D(12);
        var texts = new List<TextElement>
        {
            Text(margin, margin, titleHeight, "PrivateBox", title: true),
            Text(margin, y, D(20), "Serial"),
            Text(margin, y + D(24), Fit(D(24), width - 2 * margin, label.Serial.Length), label.Serial),
        };
        y += D(64);
        foreach (var (caption, password) in new[] { ("SSH:", label.AdminPassword), ("Web:", label.ServicesPassword) })
        {
            texts.Add(Text(margin, y, D(22), caption));
            y += D(26);
            var passwordHeight = D(30);
            var perLine = Math.Max(8, (int)((width - 2 * margin) / (passwordHeight * CharAspect)));
            foreach (var line in Wrap(password, perLine))
            {
                texts.Add(Text(margin, y, passwordHeight, line));
                y += D(36);
            }
            y += D(10);
        }
        texts.Add(Text(margin, Math.Max(y, height - margin - D(24)), D(24), options.SetupUrl));
        return new LabelLayout(width, height, dpi, texts, qr);
    }

    /// <summary>Splits a password into lines of at most <paramref name="perLine"/> characters, after hyphens where it can.</summary>
    public static IReadOnlyList<string> Wrap(string text, int perLine)
    {
        var lines = new List<string>();
        while (text.Length > perLine)
        {
            var hyphen = text.LastIndexOf('-', perLine - 1);
            var cut = hyphen > 0 ? hyphen + 1 : perLine;
            lines.Add(text[..cut]);
            text = text[cut..];
        }
        lines.Add(text);
        return lines;
    }

    /// <summary>The largest character height up to <paramref name="preferred"/> at which the text fits on one line.</summary>
    private static int Fit(int preferred, int width, int characters) =>
        Math.Min(preferred, (int)(width / (characters * CharAspect)));

    private static TextElement Text(int x, int y, int height, string text, bool title = false) =>
        new(x, y, height, (int)Math.Floor(height * CharAspect), text, title);

    private static int QrModules(string data)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var code = generator.CreateQrCode(data, QRCoder.QRCodeGenerator.ECCLevel.M);
        return code.ModuleMatrix.Count - 8; // QRCoder adds a 4-module quiet zone on each side; ZPL does not.
    }
}
