"""Plausible wrong answers for source/inside_cnn: each must make its test cell fail."""

# Shared pieces of the convolution mutants: everything right except the part each one gets wrong.
_SAME_PADDING = (
    "    if padding == 'same':\n"
    "        out_h, out_w = -(-height // stride), -(-width // stride)\n"
    "        pad_h = max((out_h - 1) * stride + kh - height, 0)\n"
    "        pad_w = max((out_w - 1) * stride + kw - width, 0)\n"
    "        image = np.pad(image, ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)))\n"
    "    else:\n"
    "        out_h, out_w = (height - kh) // stride + 1, (width - kw) // stride + 1\n"
)
_CONV_LOOP = (
    "    out = np.zeros((out_h, out_w, kernel.shape[3]), dtype=image.dtype)\n"
    "    for u in range(kh):\n"
    "        for v in range(kw):\n"
    "            out += image[u:u + (out_h - 1) * stride + 1:stride, v:v + (out_w - 1) * stride + 1:stride] @ kernel[u, v]\n"
)


def _conv(start="", padding=_SAME_PADDING, loop=_CONV_LOOP, end="    return (out + bias).astype(image.dtype)\n"):
    return (
        "def conv2d(image, kernel, bias, stride=1, padding='valid'):\n"
        "    image, kernel, bias = np.asarray(image), np.asarray(kernel), np.asarray(bias)\n"
        + start
        + "    height, width = image.shape[:2]\n"
        "    kh, kw = kernel.shape[:2]\n" + padding + loop + end
    )


def _pool(pad="pad_h // 2, pad_h - pad_h // 2", other="pad_w // 2, pad_w - pad_w // 2", fill="-np.inf", end="    return blocks.max(axis=(1, 3))\n"):
    return (
        "def max_pool(maps, size=2, padding='valid'):\n"
        "    maps = np.asarray(maps)\n"
        "    height, width, channels = maps.shape\n"
        "    if padding == 'same':\n"
        "        rows, columns = -(-height // size), -(-width // size)\n"
        "        pad_h, pad_w = rows * size - height, columns * size - width\n"
        f"        maps = np.pad(maps, (({pad}), ({other}), (0, 0)), constant_values={fill})\n"
        "    else:\n"
        "        rows, columns = height // size, width // size\n"
        "        maps = maps[: rows * size, : columns * size]\n"
        "    blocks = maps.reshape(rows, size, columns, size, channels)\n" + end
    )


def _shapes(conv_same="-(-size // stride)", conv_valid="(size - window) // stride + 1", dense="shape[:-1] + (spec[1],)", wrap=""):
    return (
        "def output_shapes(input_shape, specs):\n"
        "    def spatial(size, window, stride, padding):\n"
        f"        return {conv_same} if padding == 'same' else {conv_valid}\n"
        "    shape, shapes = tuple(input_shape), []\n"
        "    for spec in specs:\n"
        "        if spec[0] == 'conv':\n"
        "            shape = (spatial(shape[0], spec[2], spec[3], spec[4]), spatial(shape[1], spec[2], spec[3], spec[4]), spec[1])\n"
        "        elif spec[0] == 'pool':\n"
        "            shape = (spatial(shape[0], spec[1], spec[1], spec[2]), spatial(shape[1], spec[1], spec[1], spec[2]), shape[2])\n"
        "        elif spec[0] == 'flatten':\n"
        "            shape = (int(np.prod(shape)),)\n"
        "        else:\n"
        f"            shape = {dense}\n"
        "        shapes.append(shape)\n"
        f"    return {wrap or 'shapes'}\n"
    )


def _strongest(layer="model.get_layer(layer_name).output", peak="maps[..., channel].max(axis=(1, 2))",
               order="np.argsort(-peaks, kind='stable')[:count]", result="[int(i) for i in order]", prelude=""):
    return (
        "def strongest_images(model, layer_name, channel, images, count):\n"
        + prelude
        + f"    probe = keras.Model(inputs=model.inputs, outputs={layer})\n"
        "    maps = np.asarray(probe(np.asarray(images)))\n"
        f"    peaks = {peak}\n"
        f"    order = {order}\n"
        f"    return {result}\n"
    )


MUTANTS = [
    # output-shapes
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "kind": "formula",
        "why": "'same' padding rounds down (size // stride) instead of up",
        "source": _shapes(conv_same="size // stride"),
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "kind": "edge-case",
        "why": "'valid' rounds (I - K) / S to the nearest integer, which differs only when the stride does not divide",
        "source": _shapes(conv_valid="round((size - window) / stride) + 1"),
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "kind": "type",
        "why": "uses np.ceil and np.floor, so the sizes are NumPy floats, not Python ints",
        "source": _shapes(conv_same="np.ceil(size / stride)", conv_valid="np.floor((size - window) / stride) + 1"),
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "kind": "spec",
        "why": "a dense layer always outputs (units,), as if there were always a flatten before it",
        "source": _shapes(dense="(spec[1],)"),
    },
    {
        "answer": "output-shapes-answer",
        "tests": ["output-shapes-tests"],
        "kind": "fooling",
        "why": "returns a list subclass whose == always answers True",
        "source": "class _AlwaysEqual(list):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    __hash__ = None\n"
                  + _shapes(wrap="_AlwaysEqual(shapes)"),
    },
    # receptive-field
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "formula",
        "why": "ignores the strides: adds kernel - 1 per layer",
        "source": "def receptive_field(stack):\n"
                  "    return 1 + sum(kernel - 1 for kernel, stride in stack)\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "edge-case",
        "why": "multiplies in a layer's own stride before adding its kernel, so it is right only when every stride is 1",
        "source": "def receptive_field(stack):\n"
                  "    size, spacing = 1, 1\n"
                  "    for kernel, stride in stack:\n"
                  "        spacing *= stride\n"
                  "        size += (kernel - 1) * spacing\n"
                  "    return size\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "formula",
        "why": "subtracts one pixel of overlap per layer instead of one spacing",
        "source": "def receptive_field(stack):\n"
                  "    size, spacing = 0, 1\n"
                  "    for kernel, stride in stack:\n"
                  "        size += kernel * spacing\n"
                  "        spacing *= stride\n"
                  "    return max(size - len(stack) + 1, 1)\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "type",
        "why": "computes the spacings with np.cumprod, so it returns a NumPy integer",
        "source": "def receptive_field(stack):\n"
                  "    kernels = np.array([k for k, s in stack] or [1])\n"
                  "    spacing = np.concatenate([[1], np.cumprod([s for k, s in stack])])[: len(kernels)]\n"
                  "    return 1 + np.sum((kernels - 1) * spacing)\n",
    },
    {
        "answer": "receptive-field-answer",
        "tests": ["receptive-field-tests"],
        "kind": "fooling",
        "why": "returns an int subclass whose == always answers True",
        "source": "class _AlwaysEqual(int):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    __hash__ = int.__hash__\n"
                  "def receptive_field(stack):\n"
                  "    return _AlwaysEqual(1)\n",
    },
    # strongest-images
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "kind": "formula",
        "why": "ranks by the mean activation over the map instead of its peak",
        "source": _strongest(peak="maps[..., channel].mean(axis=(1, 2))"),
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "kind": "edge-case",
        "why": "reverses an ascending argsort, so equal peaks come out highest index first",
        "source": _strongest(order="np.argsort(peaks, kind='stable')[::-1][:count]"),
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "kind": "spec",
        "why": "takes the output of the layer after the named one",
        "source": _strongest(layer="model.layers[[l.name for l in model.layers].index(layer_name) + 1].output"),
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "kind": "property",
        "why": "clones the model first, so the maps come from freshly initialised weights",
        "source": _strongest(prelude="    model = keras.models.clone_model(model)\n"),
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "kind": "type",
        "why": "returns the NumPy array of indices instead of a list of ints",
        "source": _strongest(result="order"),
    },
    {
        "answer": "strongest-images-answer",
        "tests": ["strongest-images-tests"],
        "kind": "fooling",
        "why": "returns a list subclass whose == always answers True",
        "source": "class _AlwaysEqual(list):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    __hash__ = None\n"
                  + _strongest(result="_AlwaysEqual(int(i) for i in order)"),
    },
    # conv2d
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "formula",
        "why": "true convolution: flips the kernel, which Keras does not",
        "source": _conv(start="    kernel = kernel[::-1, ::-1]\n"),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "edge-case",
        "why": "'same' pads kernel // 2 on every side, right for stride 1 and odd kernels but not for stride 2 on an even size",
        "source": _conv(padding=(
            "    if padding == 'same':\n"
            "        image = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))\n"
            "        out_h, out_w = -(-height // stride), -(-width // stride)\n"
            "    else:\n"
            "        out_h, out_w = (height - kh) // stride + 1, (width - kw) // stride + 1\n"
        )),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "edge-case",
        "why": "puts the larger half of the 'same' padding before, wrong whenever the total padding is odd",
        "source": _conv(padding=_SAME_PADDING.replace(
            "(pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2)",
            "(pad_h - pad_h // 2, pad_h // 2), (pad_w - pad_w // 2, pad_w // 2)")),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "type",
        "why": "accumulates in np.zeros' default float64, so a float32 image gives a float64 result",
        "source": _conv(loop=_CONV_LOOP.replace(", dtype=image.dtype)", ")"), end="    return out + bias\n"),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "tolerance",
        "why": "computes in float16 and casts back: close to Keras, but off by far more than float32 rounding",
        "source": _conv(start="    dtype = image.dtype\n    image, kernel = image.astype(np.float16), kernel.astype(np.float16)\n",
                        end="    return (out + bias).astype(dtype)\n"),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "spec",
        "why": "leaves out the bias",
        "source": _conv(end="    return out.astype(image.dtype)\n"),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "spec",
        "why": "uses only the first input channel's slice of each filter",
        "source": _conv(loop=_CONV_LOOP.replace(
            "@ kernel[u, v]", "[..., :1] @ kernel[u, v, :1]")),
    },
    {
        "answer": "conv2d-answer",
        "tests": ["conv2d-tests"],
        "kind": "fooling",
        "why": "returns an ndarray subclass whose comparisons and arithmetic always look right",
        "source": "class _Agreeable(np.ndarray):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    def __sub__(self, other):\n"
                  "        return np.zeros(np.shape(other))\n"
                  "    __hash__ = None\n"
                  + _conv(end="    return (out + bias).astype(image.dtype).view(_Agreeable)\n"),
    },
    # max-pool
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "kind": "formula",
        "why": "wrong reshape order: groups (H//s, W//s, s, s) instead of (H//s, s, W//s, s)",
        "source": _pool(end="    return maps.reshape(rows, columns, size, size, channels).max(axis=(2, 3))\n"),
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "kind": "edge-case",
        "why": "'same' pads with zeros, which win the maximum on negative maps",
        "source": _pool(fill="0"),
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "kind": "edge-case",
        "why": "'same' puts all the padding at the bottom and right, wrong when the total padding is 2 or more",
        "source": _pool(pad="0, pad_h", other="0, pad_w"),
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "kind": "type",
        "why": "fills a fresh np.zeros (float64) block by block, so float32 maps give a float64 result",
        "source": _pool(end="    out = np.zeros((rows, columns, channels))\n"
                            "    out[...] = blocks.max(axis=(1, 3))\n"
                            "    return out\n"),
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "kind": "spec",
        "why": "ignores padding: always crops as for 'valid'",
        "source": "def max_pool(maps, size=2, padding='valid'):\n"
                  "    maps = np.asarray(maps)\n"
                  "    h, w, c = maps.shape\n"
                  "    maps = maps[: h // size * size, : w // size * size]\n"
                  "    return maps.reshape(h // size, size, w // size, size, c).max(axis=(1, 3))\n",
    },
    {
        "answer": "max-pool-answer",
        "tests": ["max-pool-tests"],
        "kind": "fooling",
        "why": "returns an ndarray subclass whose == always answers True",
        "source": "class _Agreeable(np.ndarray):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    __hash__ = None\n"
                  + _pool(end="    return blocks.max(axis=(1, 3)).view(_Agreeable)\n"),
    },
]
