using System.Text;

namespace PrivateBox.Factory.Services.PrintStation.Labels;

/// <summary>
/// The label as ZPL II. Text uses font E (OCR-B), whose 0/O and 1/l/I differ; the title uses the
/// scalable font 0. Field data goes through ^FH so no character of a password can end a command.
/// </summary>
public static class ZplLabel
{
    public static byte[] Render(LabelLayout layout)
    {
        var zpl = new StringBuilder();
        zpl.Append("^XA^CI28");
        zpl.Append($"^PW{layout.Width}^LL{layout.Height}^LH0,0");
        foreach (var t in layout.Texts)
        {
            var font = t.Title ? $"^A0N,{t.Height},{t.Height}" : $"^AEN,{t.Height},{t.CharWidth}";
            zpl.Append($"\n^FO{t.X},{t.Y}{font}^FH_^FD{Escape(t.Text)}^FS");
        }
        var qr = layout.Qr;
        zpl.Append($"\n^FO{qr.X},{qr.Y}^BQN,2,{qr.Magnification}^FDMA,{qr.Data}^FS");
        zpl.Append("\n^PQ1^XZ\n");
        return Encoding.UTF8.GetBytes(zpl.ToString());
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
            escaped.Append(c is '^' or '~' or '_' ? $"_{(int)c:X2}" : c.ToString());
        return escaped.ToString();
    }
}
