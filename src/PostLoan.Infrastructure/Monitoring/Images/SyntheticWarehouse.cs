using System.Globalization;
using OpenCvSharp;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Infrastructure.Monitoring.Images;

/// <summary>Lighting of a synthetic shot: <c>out = gain · 255 · (in / 255)^gamma · lamp(x, y)</c>, where the lamp
/// field is 1 − <see cref="LampStrength"/>/2 far from the lamp and 1 + <see cref="LampStrength"/>/2 under it.</summary>
/// <param name="Gain">Overall brightness factor (1 = as the base).</param>
/// <param name="Gamma">Gamma exponent (1 = linear; above 1 darker mid-tones).</param>
/// <param name="LampStrength">Strength of a lamp's gradient, 0 for none.</param>
/// <param name="LampX">The lamp's position across the image, 0 (left) to 1 (right).</param>
public readonly record struct WarehouseLighting(double Gain = 1, double Gamma = 1, double LampStrength = 0, double LampX = 0.5)
{
    public static WarehouseLighting Base => new(1, 1, 0, 0.5);
}

/// <summary>One shot of the synthetic warehouse: which goods are gone and what disturbs the picture.</summary>
/// <param name="Frame">Sensor noise seed: each frame has its own noise, as a real camera's snapshots do.</param>
/// <param name="RemovedBays">Indexes (0–7) of the goods regions whose boxes were taken away.</param>
/// <param name="Lighting">Brightness, gamma and lamp gradient.</param>
/// <param name="ShiftX">Camera moved: the scene appears this many pixels to the left (positive) or right.</param>
/// <param name="ShiftY">Camera moved: the scene appears this many pixels up (positive) or down.</param>
/// <param name="PersonAtX">A person walking through, centred at this x (pixels), or none.</param>
public sealed record WarehouseShot(
    int Frame = 0, IReadOnlyCollection<int>? RemovedBays = null, WarehouseLighting? Lighting = null, int ShiftX = 0, int ShiftY = 0, int? PersonAtX = null);

/// <summary>
/// Deterministic 1920×1080 JPEG snapshots of a pledged-goods warehouse (used by the tests, the benchmark, the device
/// simulator and the demo): a back wall with a pillar and a zone sign, a concrete floor with lane markings, a pallet
/// rack of four bays (narrower to the right, farther from the camera) on two levels holding cardboard boxes with tape,
/// labels and barcodes. The layout comes from the seed; <see cref="WarehouseShot"/> removes goods, changes the
/// lighting, moves the camera or lets a person walk through. <see cref="Policy"/> is the matching camera policy: eight
/// goods regions (one per bay and level, weights growing with distance) and two control regions.
/// </summary>
public sealed class SyntheticWarehouse
{
    public const int Width = 1920;
    public const int Height = 1080;

    private const int Margin = 80; // the scene is drawn larger so a moved camera still sees a full picture
    private const int LevelTop = 250, LevelMiddle = 610, LevelFloor = 975, BeamHeight = 26, UprightWidth = 24;
    private static readonly int[] BayWidths = [430, 380, 340, 300];

    private readonly int seed;
    private readonly ComparisonRegion[] regions;

    public SyntheticWarehouse(int seed)
    {
        this.seed = seed;
        var list = new List<ComparisonRegion>();
        var x = 60 + UprightWidth;
        for (var bay = 0; bay < BayWidths.Length; bay++)
        {
            // Farther bays look narrower; their weight makes up for it (远近权重).
            var weight = Math.Round(BayWidths[0] / (double)BayWidths[bay], 2);
            list.Add(new ComparisonRegion($"bay{bay + 1}-upper", new PixelRect(x + 4, LevelTop + BeamHeight + 4, BayWidths[bay] - 8, LevelMiddle - LevelTop - BeamHeight - 8), weight));
            list.Add(new ComparisonRegion($"bay{bay + 1}-lower", new PixelRect(x + 4, LevelMiddle + BeamHeight + 4, BayWidths[bay] - 8, LevelFloor - LevelMiddle - BeamHeight - 8), weight));
            x += BayWidths[bay] + UprightWidth;
        }

        list.Add(new ComparisonRegion("pillar-sign", new PixelRect(1690, 140, 150, 300), 1, RegionRole.Control));
        list.Add(new ComparisonRegion("floor-marking", new PixelRect(1640, 990, 260, 80), 1, RegionRole.Control));
        regions = [.. list];
    }

    /// <summary>The regions of this warehouse: goods regions 0–7 (bay 1 upper, bay 1 lower, … bay 4 lower), then the
    /// two control regions.</summary>
    public IReadOnlyList<ComparisonRegion> Regions => regions;

    /// <summary>The camera policy for this warehouse with the default thresholds.</summary>
    public ComparisonPolicy Policy => new() { Regions = regions };

    /// <summary>Renders a shot as JPEG bytes (quality 90).</summary>
    public byte[] Render(WarehouseShot shot)
    {
        using var image = RenderImage(shot);
        return image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    }

    /// <summary>Renders a shot as a 1920×1080 BGR image.</summary>
    public Mat RenderImage(WarehouseShot shot)
    {
        ArgumentNullException.ThrowIfNull(shot);
        if (Math.Abs(shot.ShiftX) > Margin || Math.Abs(shot.ShiftY) > Margin)
        {
            throw new ArgumentOutOfRangeException(nameof(shot), $"the camera can move at most {Margin} pixels each way");
        }

        if ((shot.RemovedBays ?? []).Any(i => i is < 0 or >= 8))
        {
            throw new ArgumentOutOfRangeException(nameof(shot), "removed bays are goods regions 0 to 7");
        }
        using var canvas = DrawScene(shot.RemovedBays ?? []);
        if (shot.PersonAtX is { } personX)
        {
            DrawPerson(canvas, personX + Margin);
        }

        var view = new Mat(canvas, new Rect(Margin + shot.ShiftX, Margin + shot.ShiftY, Width, Height)).Clone();
        Light(view, shot.Lighting ?? WarehouseLighting.Base);
        using var noise = new Mat(view.Size(), MatType.CV_16SC3);
        new RNG((ulong)(seed * 7919L + shot.Frame * 104729L + 1)).Fill(noise, DistributionType.Normal, Scalar.All(0), Scalar.All(3));
        using var sum = new Mat();
        view.ConvertTo(sum, MatType.CV_16SC3);
        Cv2.Add(sum, noise, sum);
        sum.ConvertTo(view, MatType.CV_8UC3);
        return view;
    }

    private Mat DrawScene(IReadOnlyCollection<int> removed)
    {
        var random = new Random(seed);
        var canvas = new Mat(Height + 2 * Margin, Width + 2 * Margin, MatType.CV_8UC3, new Scalar(178, 186, 192));
        var o = new Point(Margin, Margin);
        var floorTop = LevelFloor + BeamHeight - 20 + Margin;

        // Back wall: horizontal panels; floor: concrete with lane markings and a hatched no-parking zone.
        for (var y = 0; y < floorTop; y += 90)
        {
            Cv2.Line(canvas, new Point(0, y), new Point(canvas.Width, y), new Scalar(160, 168, 174), 3);
        }

        Cv2.Rectangle(canvas, new Rect(0, floorTop, canvas.Width, canvas.Height - floorTop), new Scalar(112, 118, 121), -1);
        Cv2.Line(canvas, new Point(0, floorTop + 40), new Point(canvas.Width, floorTop + 40), new Scalar(40, 190, 230), 10);
        for (var x = 1650; x < 1900; x += 36)
        {
            Cv2.Line(canvas, new Point(x + o.X, 1000 + o.Y), new Point(x + 50 + o.X, 1062 + o.Y), new Scalar(40, 190, 230), 9);
        }

        Cv2.Rectangle(canvas, new Rect(1645 + o.X, 995 + o.Y, 250, 72), new Scalar(40, 190, 230), 5);

        // The pillar with a hazard band and the zone sign.
        Cv2.Rectangle(canvas, new Rect(1700 + o.X, 0, 130, floorTop), new Scalar(150, 150, 150), -1);
        for (var y = 380; y < 430; y += 2)
        {
            var black = (y / 14) % 2 == 0;
            Cv2.Line(canvas, new Point(1700 + o.X, y + o.Y), new Point(1830 + o.X, y + o.Y), black ? new Scalar(30, 30, 30) : new Scalar(20, 200, 240), 2);
        }

        Cv2.Rectangle(canvas, new Rect(1712 + o.X, 160 + o.Y, 106, 180), new Scalar(150, 90, 20), -1);
        Cv2.PutText(canvas, "ZONE", new Point(1722 + o.X, 215 + o.Y), HersheyFonts.HersheyDuplex, 1.1, Scalar.White, 2);
        Cv2.PutText(canvas, "A-03", new Point(1722 + o.X, 280 + o.Y), HersheyFonts.HersheyDuplex, 1.2, Scalar.White, 3);
        Cv2.PutText(canvas, "MAX 2t", new Point(1722 + o.X, 325 + o.Y), HersheyFonts.HersheySimplex, 0.7, Scalar.White, 2);

        // The rack: bay backs (wire mesh), goods, then uprights and beams in front.
        var x0 = 60 + o.X;
        var bayX = x0 + UprightWidth;
        for (var bay = 0; bay < BayWidths.Length; bay++)
        {
            foreach (var (top, bottom, index) in new[] { (LevelTop + BeamHeight, LevelMiddle, bay * 2), (LevelMiddle + BeamHeight, LevelFloor, bay * 2 + 1) })
            {
                var back = new Rect(bayX, top + o.Y, BayWidths[bay], bottom - top);
                Cv2.Rectangle(canvas, back, new Scalar(72, 74, 78), -1);
                for (var gx = back.X + 20; gx < back.Right; gx += 40)
                {
                    Cv2.Line(canvas, new Point(gx, back.Y), new Point(gx, back.Bottom), new Scalar(92, 94, 98), 2);
                }

                for (var gy = back.Y + 20; gy < back.Bottom; gy += 40)
                {
                    Cv2.Line(canvas, new Point(back.X, gy), new Point(back.Right, gy), new Scalar(92, 94, 98), 2);
                }

                // Draw the goods whether or not they stay, so the random sequence (and every other bay) is the same.
                using var goods = canvas[back].Clone();
                DrawBoxes(goods, new Rect(0, 0, back.Width, back.Height), random);
                if (!removed.Contains(index))
                {
                    goods.CopyTo(canvas[back]);
                }
            }

            bayX += BayWidths[bay] + UprightWidth;
        }

        var rackRight = bayX;
        for (int bay = 0, x = x0; bay <= BayWidths.Length; bay++)
        {
            Cv2.Rectangle(canvas, new Rect(x, LevelTop - 40 + o.Y, UprightWidth, LevelFloor + BeamHeight + 40 - LevelTop), new Scalar(150, 90, 30), -1);
            for (var hole = LevelTop - 30; hole < LevelFloor; hole += 30)
            {
                Cv2.Rectangle(canvas, new Rect(x + 8, hole + o.Y, 8, 12), new Scalar(90, 50, 15), -1);
            }

            x += UprightWidth + (bay < BayWidths.Length ? BayWidths[bay] : 0);
        }

        foreach (var level in new[] { LevelTop, LevelMiddle, LevelFloor })
        {
            Cv2.Rectangle(canvas, new Rect(x0, level + o.Y, rackRight - x0, BeamHeight), new Scalar(20, 110, 235), -1);
            Cv2.Line(canvas, new Point(x0, level + o.Y + BeamHeight - 3), new Point(rackRight, level + o.Y + BeamHeight - 3), new Scalar(10, 70, 170), 3);
        }

        // Fixed surface texture (dust, scratches, cardboard fibre): part of the scene, the same in every shot.
        using var texture = new Mat(canvas.Size(), MatType.CV_16SC3);
        new RNG((ulong)seed * 31 + 17).Fill(texture, DistributionType.Normal, Scalar.All(0), Scalar.All(10));
        Cv2.GaussianBlur(texture, texture, new Size(0, 0), 1.2);
        using var textured = new Mat();
        canvas.ConvertTo(textured, MatType.CV_16SC3);
        Cv2.Add(textured, texture, textured);
        textured.ConvertTo(canvas, MatType.CV_8UC3);
        return canvas;
    }

    private static void DrawBoxes(Mat canvas, Rect area, Random random)
    {
        var columns = area.Width > 360 ? 3 : 2;
        var floor = area.Bottom - 4;
        var boxWidth = (area.Width - 12) / columns;
        for (var column = 0; column < columns; column++)
        {
            var stack = random.Next(2, 4);
            var y = floor;
            for (var level = 0; level < stack && y - 60 > area.Y; level++)
            {
                var height = Math.Min(y - area.Y - 6, random.Next(100, 170));
                var width = boxWidth - random.Next(4, 20);
                var x = area.X + 6 + column * boxWidth + random.Next(0, boxWidth - width + 1);
                var box = new Rect(x, y - height, width, height);
                var shade = random.Next(-18, 18);
                Cv2.Rectangle(canvas, box, new Scalar(95 + shade, 148 + shade, 196 + shade), -1);
                Cv2.Rectangle(canvas, box, new Scalar(55, 95, 135), 2);
                Cv2.Line(canvas, new Point(box.X, box.Y + 12), new Point(box.Right, box.Y + 12), new Scalar(70, 115, 160), 2);
                Cv2.Rectangle(canvas, new Rect(box.X + width / 2 - 9, box.Y, 18, height), new Scalar(120, 170, 210), -1);
                if (height > 70 && width > 90)
                {
                    var label = new Rect(box.X + 10, box.Y + 26, Math.Min(120, width / 2 - 20), 54);
                    Cv2.Rectangle(canvas, label, new Scalar(235, 238, 240), -1);
                    var code = random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
                    Cv2.PutText(canvas, "SKU " + code, new Point(label.X + 4, label.Y + 16), HersheyFonts.HersheySimplex, 0.42, new Scalar(20, 20, 20), 1);
                    for (var bar = label.X + 4; bar < label.Right - 4; bar += random.Next(3, 6))
                    {
                        Cv2.Line(canvas, new Point(bar, label.Y + 24), new Point(bar, label.Bottom - 6), new Scalar(15, 15, 15), random.Next(1, 3));
                    }

                    var arrowX = box.Right - 30;
                    if (arrowX > label.Right + 10)
                    {
                        Cv2.ArrowedLine(canvas, new Point(arrowX, box.Y + 70), new Point(arrowX, box.Y + 35), new Scalar(40, 40, 40), 3, tipLength: 0.4);
                    }
                }

                y -= height + 2;
            }
        }
    }

    private static void DrawPerson(Mat canvas, int centreX)
    {
        var feet = LevelFloor + BeamHeight + Margin + 40;
        var jacket = new Scalar(150, 70, 30);
        var trousers = new Scalar(50, 45, 40);
        Cv2.Rectangle(canvas, new Rect(centreX - 56, feet - 330, 50, 330), trousers, -1);
        Cv2.Rectangle(canvas, new Rect(centreX + 6, feet - 330, 50, 330), trousers, -1);
        Cv2.Rectangle(canvas, new Rect(centreX - 85, feet - 620, 170, 300), jacket, -1);
        Cv2.Rectangle(canvas, new Rect(centreX - 85, feet - 520, 170, 30), new Scalar(60, 230, 200), -1);
        Cv2.Rectangle(canvas, new Rect(centreX - 120, feet - 610, 32, 250), jacket, -1);
        Cv2.Rectangle(canvas, new Rect(centreX + 88, feet - 610, 32, 250), jacket, -1);
        Cv2.Circle(canvas, new Point(centreX, feet - 685), 62, new Scalar(150, 180, 220), -1);
        Cv2.Ellipse(canvas, new Point(centreX, feet - 705), new Size(66, 48), 0, 180, 360, new Scalar(30, 30, 30), -1);
    }

    private static void Light(Mat image, WarehouseLighting lighting)
    {
        if (lighting == WarehouseLighting.Base)
        {
            return;
        }

        using var value = new Mat();
        image.ConvertTo(value, MatType.CV_32FC3, 1 / 255.0);
        Cv2.Pow(value, lighting.Gamma, value);
        if (lighting.LampStrength != 0)
        {
            // A lamp above the scene: a Gaussian bump from 1 − s/2 far away to 1 + s/2 under the lamp.
            var lampX = lighting.LampX * Width;
            var lampY = -0.1 * Height;
            var sigma = 0.45 * Width;
            var values = new float[Width * Height];
            for (var y = 0; y < Height; y++)
            {
                for (var x = 0; x < Width; x++)
                {
                    var d2 = ((x - lampX) * (x - lampX) + (y - lampY) * (y - lampY)) / (sigma * sigma);
                    values[y * Width + x] = (float)(1 + lighting.LampStrength * (Math.Exp(-d2 / 2) - 0.5));
                }
            }

            using var field = new Mat(image.Size(), MatType.CV_32FC1);
            field.SetArray(values);
            using var field3 = new Mat();
            Cv2.Merge([field, field, field], field3);
            Cv2.Multiply(value, field3, value);
        }

        value.ConvertTo(image, MatType.CV_8UC3, 255 * lighting.Gain);
    }
}
