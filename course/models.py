"""The assignment-1 MNIST CNN and its training recipe, for the notebooks that study it later.

Assignment 1 builds this model in its own cells; assignments 3 and 4 and the benchmark
call these functions so that they all look at the same network.
"""

from __future__ import annotations

from course.config import model_path
from course.data import tfds_dir

# The course recipe (assignment 1 sets the same values in its own cells; a test checks).
MNIST_EPOCHS = 3
MNIST_BATCH_SIZE = 256
MNIST_PEAK_LEARNING_RATE = 8e-3
MNIST_WARMUP_SHARE = 0.2  # share of the steps over which the learning rate rises to its peak


def mnist_cnn(kernel_initializer="glorot_uniform"):
    """Conv(20) - pool - Conv(40) - pool - Dense(80) - Dense(10): 165,130 parameters."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), name="image"),
            layers.Conv2D(20, 3, padding="same", activation="relu", kernel_initializer=kernel_initializer, name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(40, 3, padding="same", activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(80, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="mnist_cnn",
    )


def mnist_pipelines(train_split: str = "train", test_split: str = "test", batch_size: int = MNIST_BATCH_SIZE):
    """Scaled, cached, shuffled, batched and prefetched ``(image, label)`` datasets."""
    import tensorflow as tf
    import tensorflow_datasets as tfds

    train, test = tfds.load("mnist", split=[train_split, test_split], data_dir=tfds_dir("mnist"), as_supervised=True)

    def scale(image, label):
        return tf.cast(image, tf.float32) / 255.0, label

    train = train.map(scale, num_parallel_calls=tf.data.AUTOTUNE).cache()
    train = train.shuffle(10_000, seed=0, reshuffle_each_iteration=True).batch(batch_size).prefetch(tf.data.AUTOTUNE)
    test = test.map(scale, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size).cache().prefetch(tf.data.AUTOTUNE)
    return train, test


def mnist_schedule(steps: int):
    """Linear warm-up from a tenth of the peak learning rate, then cosine decay to 0, over ``steps``."""
    import keras

    warmup_steps = int(steps * MNIST_WARMUP_SHARE)
    return keras.optimizers.schedules.CosineDecay(
        MNIST_PEAK_LEARNING_RATE / 10,
        decay_steps=max(steps - warmup_steps, 1),
        warmup_target=MNIST_PEAK_LEARNING_RATE,
        warmup_steps=warmup_steps,
    )


def compile_for_mnist(model, steps: int):
    """Adam following ``mnist_schedule`` over ``steps`` batches; sparse labels."""
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(mnist_schedule(steps)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train_mnist_cnn(
    epochs: int,
    train_split: str = "train[:90%]",
    validation_split: str = "train[90%:]",
    kernel_initializer="glorot_uniform",
    verbose: int = 2,
):
    """Build and train the MNIST CNN with the course recipe; return ``(model, history, validation_dataset)``.

    As in assignment 1, the validation images are held out of the training split; the test
    split is never used here, so a notebook can still measure the model on it once.
    """
    train, validation = mnist_pipelines(train_split, validation_split)
    model = mnist_cnn(kernel_initializer)
    compile_for_mnist(model, steps=epochs * int(train.cardinality()))
    history = model.fit(train, epochs=epochs, validation_data=validation, verbose=verbose)
    return model, history, validation


def trained_mnist_cnn(epochs: int, train_split: str = "train[:90%]", validation_split: str = "train[90%:]", verbose: int = 2):
    """The model assignment 1 saved at ``course.model_path('mnist_cnn')``, else one trained now.

    Returns ``(model, where)`` with ``where`` saying which of the two it is.
    """
    import keras

    saved = model_path("mnist_cnn")
    if saved.is_file():
        return keras.models.load_model(saved), f"loaded from {saved}"
    model, _, _ = train_mnist_cnn(epochs, train_split, validation_split, verbose=verbose)
    return model, f"trained now for {epochs} epoch(s) on {train_split}, validated on {validation_split}"


# The CIFAR-10 models and recipes of assignment 2, as its notebook builds and trains them in
# its own cells (for the benchmark; a test checks that the notebook sets the same values).
CIFAR_IMAGE_SHAPE = (32, 32, 3)
CIFAR_CLASSES = 10
CIFAR_BATCH_SIZE = 256
CIFAR_SHUFFLE_BUFFER = 10_000
CIFAR_SIMPLE_MAX_EPOCHS = 12  # Adam's constant default rate; EarlyStopping ends it sooner
CIFAR_PATIENCE = 3
CIFAR_DEEPER_EPOCHS = 10
CIFAR_DEEPER_PEAK = 3e-3
CIFAR_FURTHER_EPOCHS = 9
CIFAR_FURTHER_PEAK = 3e-3
CIFAR_FURTHER_WEIGHT_DECAY = 0.02
CIFAR_WARMUP_SHARE = 0.2


def cifar_simple():
    """One conv block and a large dense layer: 4,200,842 parameters."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=CIFAR_IMAGE_SHAPE, name="image"),
            layers.Conv2D(32, (3, 3), padding="same", activation="relu", name="conv"),
            layers.MaxPooling2D((2, 2), name="pool"),
            layers.Dropout(0.5, name="dropout"),
            layers.Flatten(name="flatten"),
            layers.Dense(512, name="dense"),
            layers.Dense(CIFAR_CLASSES, activation="softmax", name="probabilities"),
        ],
        name="simple_cnn",
    )


def cifar_deeper():
    """Three conv/pool blocks, a small dense layer and dropout: 94,890 parameters."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=CIFAR_IMAGE_SHAPE, name="image"),
            layers.Conv2D(32, (3, 3), padding="same", activation="relu", name="conv1"),
            layers.MaxPooling2D((2, 2), name="pool1"),
            layers.Conv2D(32, (3, 3), padding="same", activation="relu", name="conv2"),
            layers.MaxPooling2D((2, 2), name="pool2"),
            layers.Conv2D(64, (3, 3), padding="same", activation="relu", name="conv3"),
            layers.MaxPooling2D((2, 2), name="pool3"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, activation="relu", name="dense"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(CIFAR_CLASSES, activation="softmax", name="output"),
        ],
        name="deeper_cnn",
    )


def cifar_further():
    """Mirror and shift augmentation, four conv blocks (pool, then batch norm) widening to 256, global max pooling."""
    import keras
    from keras import layers

    augment = keras.Sequential(
        [layers.RandomFlip("horizontal"), layers.RandomTranslation(0.125, 0.125, fill_mode="constant")], name="augment"
    )
    model = [keras.Input(shape=CIFAR_IMAGE_SHAPE, name="image"), augment]
    for block, filters in enumerate((32, 64, 128), start=1):
        model += [
            layers.Conv2D(filters, (3, 3), padding="same", use_bias=False, name=f"conv{block}"),
            layers.MaxPooling2D((2, 2), name=f"pool{block}"),
            layers.BatchNormalization(momentum=0.9, name=f"norm{block}"),
            layers.ReLU(name=f"relu{block}"),
        ]
    model += [
        layers.Conv2D(256, (3, 3), padding="same", use_bias=False, name="conv4"),
        layers.BatchNormalization(momentum=0.9, name="norm4"),
        layers.ReLU(name="relu4"),
        layers.GlobalMaxPooling2D(name="global_max"),
        layers.Dense(CIFAR_CLASSES, activation="softmax", name="probabilities"),
    ]
    return keras.Sequential(model, name="further_cnn")


def warmup_cosine(peak: float, steps: int, warmup_share: float = CIFAR_WARMUP_SHARE):
    """Linear rise from ``peak / 10`` to ``peak`` over the first ``warmup_share`` of ``steps``, then a cosine decay to 0."""
    import keras

    warmup = int(warmup_share * steps)
    return keras.optimizers.schedules.CosineDecay(
        peak / 10, decay_steps=max(steps - warmup, 1), warmup_target=peak, warmup_steps=warmup
    )


CIFAR_MODELS = {"simple": cifar_simple, "deeper": cifar_deeper, "further": cifar_further}
CIFAR_EPOCHS = {"simple": CIFAR_SIMPLE_MAX_EPOCHS, "deeper": CIFAR_DEEPER_EPOCHS, "further": CIFAR_FURTHER_EPOCHS}


def compile_cifar(model, recipe: str, steps: int):
    """Compile ``model`` with assignment 2's optimiser for ``recipe`` (simple, deeper or further) over ``steps`` batches."""
    import keras

    optimizers = {
        "simple": lambda: keras.optimizers.Adam(),
        "deeper": lambda: keras.optimizers.Adam(warmup_cosine(CIFAR_DEEPER_PEAK, steps)),
        "further": lambda: keras.optimizers.AdamW(
            warmup_cosine(CIFAR_FURTHER_PEAK, steps), weight_decay=CIFAR_FURTHER_WEIGHT_DECAY
        ),
    }
    model.compile(optimizer=optimizers[recipe](), loss="categorical_crossentropy", metrics=["accuracy"])
    return model
