-- Compute specs and runtime images users choose from. Prices are integer minor units per hour.

CREATE TABLE compute_spec (
    id                    VARCHAR(64)  PRIMARY KEY,
    kind                  VARCHAR(8)   NOT NULL CHECK (kind IN ('CPU', 'GPU')),
    vcpu                  INT          NOT NULL CHECK (vcpu > 0),
    memory_mib            INT          NOT NULL CHECK (memory_mib > 0),
    disk_gib              INT          NOT NULL CHECK (disk_gib > 0),
    gpu_count             INT          NOT NULL DEFAULT 0 CHECK (gpu_count >= 0),
    gpu_model             VARCHAR(64),
    price_per_hour_minor  BIGINT       NOT NULL CHECK (price_per_hour_minor >= 0),
    currency              VARCHAR(3)   NOT NULL DEFAULT 'CNY',
    node_selector         JSONB        NOT NULL DEFAULT '{}'::jsonb,
    retired               BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK ((kind = 'GPU') = (gpu_count > 0)),
    CHECK ((gpu_count > 0) = (gpu_model IS NOT NULL))
);

CREATE TABLE runtime_image (
    id          VARCHAR(64)  PRIMARY KEY,
    framework   VARCHAR(32)  NOT NULL,
    version     VARCHAR(32)  NOT NULL,
    build       VARCHAR(8)   NOT NULL CHECK (build IN ('CPU', 'GPU')),
    image_ref   VARCHAR(300) NOT NULL,
    retired     BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (framework, version, build)
);

INSERT INTO compute_spec (id, kind, vcpu, memory_mib, disk_gib, gpu_count, gpu_model, price_per_hour_minor, node_selector) VALUES
    ('cpu-1c2g',       'CPU',  1,   2048,   20, 0, NULL,        50,    '{}'),
    ('cpu-2c4g',       'CPU',  2,   4096,   50, 0, NULL,        100,   '{}'),
    ('cpu-4c16g',      'CPU',  4,  16384,  100, 0, NULL,        300,   '{}'),
    ('cpu-16c64g',     'CPU', 16,  65536,  200, 0, NULL,        1200,  '{}'),
    ('gpu-rtx4090-1',  'GPU', 10,  40960,  100, 1, 'RTX-4090',  290,   '{"hyperai.io/gpu-model": "rtx-4090"}'),
    ('gpu-a100-1',     'GPU', 12,  86016,  200, 1, 'A100-80G',  1290,  '{"hyperai.io/gpu-model": "a100-80g"}'),
    ('gpu-h100-8',     'GPU', 96, 983040, 2000, 8, 'H100-80G',  23900, '{"hyperai.io/gpu-model": "h100-80g"}');

INSERT INTO runtime_image (id, framework, version, build, image_ref) VALUES
    ('pytorch-2.4-gpu',     'PyTorch',    '2.4',  'GPU', 'hyperai/pytorch:2.4-cuda12.1-py311'),
    ('pytorch-2.4-cpu',     'PyTorch',    '2.4',  'CPU', 'hyperai/pytorch:2.4-cpu-py311'),
    ('pytorch-2.1-gpu',     'PyTorch',    '2.1',  'GPU', 'hyperai/pytorch:2.1-cuda11.8-py310'),
    ('tensorflow-2.16-gpu', 'TensorFlow', '2.16', 'GPU', 'hyperai/tensorflow:2.16-cuda12.3-py311'),
    ('tensorflow-2.16-cpu', 'TensorFlow', '2.16', 'CPU', 'hyperai/tensorflow:2.16-cpu-py311'),
    ('mxnet-1.9-gpu',       'MXNet',      '1.9',  'GPU', 'hyperai/mxnet:1.9-cuda11.2-py38'),
    ('mxnet-1.9-cpu',       'MXNet',      '1.9',  'CPU', 'hyperai/mxnet:1.9-cpu-py38'),
    ('darknet-yolov4-gpu',  'Darknet',    'yolov4', 'GPU', 'hyperai/darknet:yolov4-cuda11.4');
