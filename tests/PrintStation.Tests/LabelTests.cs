using System.Text;
using PrivateBox.Factory.Services.PrintStation;
using PrivateBox.Factory.Services.PrintStation.Labels;
using SkiaSharp;

namespace PrivateBox.Factory.PrintStation.Tests;

public class LabelTests
{
    private const string Serial = "0b7e6a2c-1d2f-4c5e-9a8b-7c6d5e4f3a2b";
    // 49 characters, the longest phonetic password a unit makes.
    private const string LongPassword = "Correct-Horse-Battery-Staple-Olive-Ivory-Lamp-01";
    private const string RandomPassword = "Zq8*Lm2+Xr7=Pw4@Hk9nTb3cIl1O0oQ";

    private static readonly LabelContent Label = new(Serial, LongPassword, RandomPassword, "privatebox.dk/setup");

    [Fact]
    public void Zpl_holds_serial_qr_setup_url_and_both_passwords_in_full()
    {
        var zpl = Encoding.UTF8.GetString(ZplLabel.Render(LabelLayout.For(Label, new LabelOptions())));

        Assert.StartsWith("^XA", zpl);
        Assert.Contains($"^FDMA,{Serial}^FS", zpl);
        Assert.Contains($"^FD{Serial}^FS", zpl);
        Assert.Contains("privatebox.dk/setup", zpl);
        Assert.Equal(LongPassword, Joined(zpl, "^FDCorrect-", "^FDWeb:"));
        Assert.Contains($"^FD{RandomPassword}^FS", zpl);
        Assert.Contains("^AEN", zpl); // OCR-B: 0/O and 1/l/I differ
        Assert.EndsWith("^XZ\n", zpl);
    }

    [Fact]
    public void Long_password_wraps_after_a_hyphen_and_loses_nothing()
    {
        var lines = LabelLayout.Wrap(LongPassword, 30);

        Assert.True(lines.Count > 1);
        Assert.All(lines.SkipLast(1), l => Assert.EndsWith("-", l));
        Assert.All(lines, l => Assert.True(l.Length <= 30));
        Assert.Equal(LongPassword, string.Concat(lines));
    }

    [Fact]
    public void Every_password_line_fits_the_label_width()
    {
        foreach (var options in new[] { new LabelOptions(), new LabelOptions { Dpi = 300 }, new LabelOptions { WidthInches = 2.25, HeightInches = 4 } })
        {
            var layout = LabelLayout.For(Label, options);
            Assert.All(layout.Texts, t => Assert.True(t.X + t.Text.Length * t.CharWidth <= layout.Width, $"{t.Text.Length} chars overflow at {options.Dpi} dpi"));
            Assert.All(layout.Texts, t => Assert.True(t.Y + t.Height <= layout.Height, $"\"{t.Text}\" runs off the bottom at {options.Dpi} dpi"));
            Assert.True(layout.Qr.X > layout.Texts[0].X + layout.Texts[0].Text.Length * layout.Texts[0].CharWidth);
        }
    }

    [Fact]
    public void Field_data_cannot_inject_zpl_commands()
    {
        var zpl = Encoding.UTF8.GetString(ZplLabel.Render(LabelLayout.For(Label with { AdminPassword = "a^XZ~JR_b" }, new LabelOptions())));

        Assert.Contains("a_5EXZ_7EJR_5Fb", zpl);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(zpl, @"\^XZ"));
    }

    [Fact]
    public void Preview_png_has_the_configured_size_and_pdf_renders()
    {
        var layout = LabelLayout.For(Label, new LabelOptions());
        using var png = SKBitmap.Decode(SkiaLabel.Png(layout));

        Assert.Equal((812, 609), (png.Width, png.Height));
        Assert.Contains(Enumerable.Range(0, png.Width), x => png.GetPixel(x, layout.Texts[4].Y + 10).Red < 100); // ink on the password line
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(SkiaLabel.Pdf(layout)[..4]));
    }

    [Fact]
    public void Label_content_never_shows_passwords_in_ToString_and_masks_for_disk()
    {
        Assert.DoesNotContain(LongPassword, Label.ToString());
        Assert.DoesNotContain(RandomPassword, Label.ToString());
        var masked = Label.Masked();
        Assert.Equal(LongPassword.Length, masked.AdminPassword.Length);
        Assert.DoesNotContain(masked.AdminPassword, c => char.IsLetterOrDigit(c));
    }

    private static string Joined(string zpl, string from, string until)
    {
        var start = zpl.IndexOf(from, StringComparison.Ordinal);
        var end = zpl.IndexOf(until, start, StringComparison.Ordinal);
        return string.Concat(zpl[start..end].Split('\n')
            .Where(l => l.Contains("^FD"))
            .Select(l => l[(l.IndexOf("^FD", StringComparison.Ordinal) + 3)..l.IndexOf("^FS", StringComparison.Ordinal)]));
    }
}
