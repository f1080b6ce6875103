"""The method, from clean transactions to segments: cleaning, RFM, transforms, K-Means, profiles,
RFM scores, stability, sampling, and the recipe that saves a fit."""
