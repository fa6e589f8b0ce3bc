package dev.tideline.validator.flink.source;
